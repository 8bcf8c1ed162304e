/**
 * Reads the exact HTTP request client-node builds, through its own middleware interface,
 * and stops it before it leaves the process. No API server (real or fake) answers: these
 * tests check request shapes only.
 */
import { KubeConfig, Observable, type ObservableMiddleware, type RequestContext } from '@kubernetes/client-node';
import { KubeClient } from '../../src/kube/client.js';
import type { Plan } from '../../src/kube/plan.js';

export interface CapturedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal | undefined;
}

export class RequestCaptured extends Error {
  constructor(readonly request: CapturedRequest) {
    super(`captured ${request.method} ${request.url}`);
  }
}

export const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: kind-ocilab
  cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}
users:
- name: kind-ocilab
  user: {token: test-token}
contexts:
- name: kind-ocilab
  context: {cluster: kind-ocilab, user: kind-ocilab}
current-context: kind-ocilab
`;

export function capturingClient(plan?: Plan): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromString(KUBECONFIG);
  const capture: ObservableMiddleware = {
    pre: (ctx: RequestContext) => {
      const raw = ctx.getBody();
      const body = typeof raw === 'string' && raw ? JSON.parse(raw) : raw;
      const request = { method: String(ctx.getHttpMethod()), url: ctx.getUrl(), headers: { ...ctx.getHeaders() }, body, signal: ctx.getSignal() };
      return new Observable<RequestContext>(Promise.reject(new RequestCaptured(request)));
    },
    post: (res) => new Observable(Promise.resolve(res)),
  };
  return new KubeClient(kc, { plan, middleware: [capture] });
}

export async function captured(p: Promise<unknown>): Promise<CapturedRequest> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RequestCaptured) return err.request;
    throw err;
  }
  throw new Error('the call finished without sending a request');
}
