#!/usr/bin/env node
// FAKE kind CLI for tests. Records argv to $FAKE_LOG and keeps clusters as node "containers"
// in $FAKE_STATE (shared with fake-container-cli.mjs), answering with kind v0.32.0's output
// shapes and error messages (read from sigs.k8s.io/kind@v0.32.0: cmd/kind/app/main.go,
// pkg/cluster/internal/create/create.go, pkg/internal/runtime/runtime.go). Not a cluster.
import { existsSync, readFileSync } from 'node:fs';
import { DOCKER_DOWN, PODMAN_DOWN, fail, loadState, out, record, saveState } from './fake-state.mjs';

const argv = process.argv.slice(2);
record('kind', argv);
const state = loadState();

// Provider selection as kind does it: KIND_EXPERIMENTAL_PROVIDER, else docker when `docker -v` works.
let engine;
const forced = process.env.KIND_EXPERIMENTAL_PROVIDER;
if (forced === 'podman' || forced === 'docker') {
  process.stderr.write(`using ${forced} due to KIND_EXPERIMENTAL_PROVIDER\n`);
  if (forced === 'podman') process.stderr.write('enabling experimental podman provider\n');
  engine = forced;
} else engine = state.docker.installed ? 'docker' : state.podman.installed ? 'podman' : 'docker';
const e = state[engine];

const flag = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const LABEL = 'io.x-k8s.kind.cluster';
const listCmd =
  engine === 'docker'
    ? `docker ps -a --filter label=${LABEL} --format '{{.Label "${LABEL}"}}'`
    : `podman ps -a --filter label=${LABEL} --format '{{index .Labels "${LABEL}"}}'`;
const engineDown = (what, cmdline) =>
  fail(`ERROR: ${what}: command "${cmdline}" failed with error: exit status ${engine === 'docker' ? 1 : 125}\n\nCommand Output: ${engine === 'docker' ? DOCKER_DOWN : PODMAN_DOWN}`);
const clusterNodes = (name) => Object.entries(e.containers ?? {}).filter(([, c]) => c.labels[LABEL] === name).map(([n]) => n).sort();
const clusters = () => [...new Set(Object.values(e.containers ?? {}).map((c) => c.labels[LABEL]).filter(Boolean))].sort();

const [a, b] = argv;
if (a === 'version') {
  out('kind v0.32.0 go1.24.6 linux/amd64\n');
  process.exit(0);
}
const name = flag('--name', 'kind');
if (a === 'get' && b === 'clusters') {
  if (!e.daemon) engineDown('failed to list clusters', listCmd);
  const list = clusters();
  if (list.length === 0) process.stderr.write('No kind clusters found.\n');
  out(list.map((c) => c + '\n').join(''));
} else if (a === 'get' && b === 'nodes') {
  if (!e.daemon) engineDown('failed to list nodes', `${engine} ps -a --filter label=${LABEL}=${name} --format '{{.Names}}'`);
  const nodes = clusterNodes(name);
  if (nodes.length === 0) process.stderr.write(`No kind nodes found for cluster "${name}".\n`);
  out(nodes.map((n) => n + '\n').join(''));
} else if (a === 'create' && b === 'cluster') {
  const config = flag('--config');
  let roles = ['control-plane'];
  if (config) {
    if (!existsSync(config)) fail(`ERROR: failed to create cluster: error reading file: open ${config}: no such file or directory`);
    const { parse } = await import('yaml'); // only here: keeps the other fake calls fast
    const doc = parse(readFileSync(config, 'utf8'));
    if (doc?.kind !== 'Cluster' || doc?.apiVersion !== 'kind.x-k8s.io/v1alpha4') fail(`ERROR: failed to create cluster: unknown apiVersion or kind in ${config}`);
    if (Array.isArray(doc.nodes) && doc.nodes.length > 0) roles = doc.nodes.map((n) => n.role);
  }
  if (!e.daemon) engineDown(`failed to create cluster: failed to get ${engine} info`, `${engine} info --format '{{json .}}'`);
  if (clusterNodes(name).length > 0) fail(`ERROR: failed to create cluster: node(s) already exist for a cluster with the name "${name}"`);
  process.stderr.write(`Creating cluster "${name}" ...\n ✓ Ensuring node image (kindest/node:v1.34.0) 🖼\n ✓ Preparing nodes 📦\n ✓ Writing configuration 📜\n ✓ Starting control-plane 🕹️\n`);
  if (!e.networks.includes('kind')) e.networks.push('kind');
  let workers = 0;
  for (const role of roles) {
    const node = role === 'control-plane' ? `${name}-control-plane` : `${name}-worker${workers++ === 0 ? '' : workers}`;
    e.containers[node] = { id: node, image: 'kindest/node:v1.34.0', running: true, labels: { [LABEL]: name }, networks: ['kind'], files: {}, dirs: [] };
  }
  saveState(state);
  process.stderr.write(`Set kubectl context to "kind-${name}"\n`);
} else if (a === 'delete' && b === 'cluster') {
  if (!e.daemon) engineDown('failed to delete cluster', listCmd);
  process.stderr.write(`Deleting cluster "${name}" ...\n`);
  for (const n of clusterNodes(name)) delete e.containers[n];
  saveState(state);
} else if (a === 'load' && (b === 'docker-image' || b === 'image-archive')) {
  const args = argv.slice(2).filter((x, i, all) => x !== '--name' && all[i - 1] !== '--name');
  if (!e.daemon) engineDown('failed to load', listCmd);
  if (b === 'docker-image') {
    // kind v0.32 looks images up with the docker CLI whatever the provider: with
    // KIND_EXPERIMENTAL_PROVIDER=podman and the images only in podman's store (docker CLI
    // installed, no daemon), the real kind answered exactly this on this machine.
    const d = state.docker;
    for (const img of args) if (!(d.installed && d.daemon && d.images.includes(img))) fail(`ERROR: image: "${img}" not present locally`);
  } else if (!existsSync(args[0])) fail(`ERROR: failed to load image: open ${args[0]}: no such file or directory`);
  if (clusterNodes(name).length === 0) fail(`ERROR: no nodes found for cluster "${name}"`);
  e.loaded = [...(e.loaded ?? []), ...args.map((x) => `${name}:${x}`)];
  saveState(state);
} else {
  fail(`fake kind: unsupported command ${argv.join(' ')}`, 2);
}
