#!/usr/bin/env node
// FAKE docker / podman CLI for tests (first argument: which one to impersonate).
// Records argv to $FAKE_LOG, keeps containers/networks/images in $FAKE_STATE, and answers
// with the real CLIs' output shapes (docker 28.2.2 client, podman 4.3). Not a container runtime.
import { DOCKER_DOWN, PODMAN_DOWN, fail, loadState, out, readStdin, record, saveState } from './fake-state.mjs';

const [engine, ...argv] = process.argv.slice(2);
const needsStdin = argv[0] === 'exec' && argv[1] === '-i';
const stdin = needsStdin ? readStdin() : undefined;
record(engine, argv, stdin);

const state = loadState();
const e = state[engine];
const isDocker = engine === 'docker';
const VERSION = isDocker ? '28.2.2' : '4.3.1';
const down = () => fail(isDocker ? DOCKER_DOWN : PODMAN_DOWN, isDocker ? 1 : 125);
const noSuchContainer = (name) =>
  fail(isDocker ? `Error response from daemon: No such container: ${name}` : `Error: no container with name or ID "${name}" found: no such container`, isDocker ? 1 : 125);

function flagValues(args, flag) {
  const values = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === flag) values.push(args[++i]);
    else if (args[i].startsWith(flag + '=')) values.push(args[i].slice(flag.length + 1));
  }
  return values;
}

const [cmd, ...rest] = argv;
if (cmd === '-v' || cmd === '--version') {
  out(isDocker ? `Docker version ${VERSION}, build e6534b4\n` : `podman version ${VERSION}\n`);
  process.exit(0);
}
if (cmd === 'version') {
  // docker 28: `--format {{.Server.Version}}` prints nothing and fails without a daemon;
  // `{{.Client.Version}}` prints the client version, then fails the same way.
  const format = rest[rest.indexOf('--format') + 1] ?? '';
  if (format.includes('.Server')) {
    if (!e.daemon) down();
    out(`${VERSION}\n`);
    process.exit(0);
  }
  out(`${VERSION}\n`);
  if (!e.daemon) down();
  process.exit(0);
}
if (cmd === 'info') {
  // podman `info --format {{.Version.Version}}`; docker 28 prints "" for a missing server field.
  if (!e.daemon) {
    if (isDocker) out('""\n');
    down();
  }
  const format = rest[rest.indexOf('--format') + 1] ?? '';
  out(format.includes('json') ? `"${VERSION}"\n` : `${VERSION}\n`);
  process.exit(0);
}
if (!e.daemon) down();

switch (cmd) {
  case 'container': {
    if (rest[0] !== 'inspect') fail(`fake: unsupported: container ${rest[0]}`, 2);
    const name = rest[1];
    const c = e.containers[name];
    if (!c) {
      out('[]\n');
      noSuchContainer(name);
    }
    const networks = Object.fromEntries(c.networks.map((n) => [n, { NetworkID: `net-${n}` }]));
    out(
      JSON.stringify(
        [
          {
            Id: c.id,
            Name: isDocker ? `/${name}` : name,
            State: { Status: c.running ? 'running' : 'exited', Running: c.running },
            Config: { Image: c.image, Labels: c.labels },
            NetworkSettings: {
              Networks: networks,
              // "-p 127.0.0.1:5001:5000" → {"5000/tcp": [{"HostIp": "127.0.0.1", "HostPort": "5001"}]}
              Ports: Object.fromEntries(
                (c.publish ?? []).map((p) => {
                  const parts = p.split(':');
                  const [hostIp, hostPort, port] = parts.length === 3 ? parts : ['0.0.0.0', ...parts];
                  return [`${port}/tcp`, [{ HostIp: hostIp, HostPort: hostPort }]];
                }),
              ),
            },
          },
        ],
        null,
        4,
      ) + '\n',
    );
    break;
  }
  case 'run': {
    const name = flagValues(rest, '--name')[0];
    const image = rest[rest.length - 1];
    if (e.containers[name]) {
      fail(
        `docker: Error response from daemon: Conflict. The container name "/${name}" is already in use by container "${e.containers[name].id}". You have to remove (or rename) that container to be able to reuse that name.\n\nRun 'docker run --help' for more information`,
        125,
      );
    }
    if (!e.images.includes(image)) {
      fail(
        `Unable to find image '${image}' locally\ndocker: Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 127.0.0.53:53: server misbehaving\n\nRun 'docker run --help' for more information`,
        125,
      );
    }
    const publish = flagValues(rest, '-p');
    for (const p of publish) {
      const hostPart = p.split(':').slice(0, -1).join(':');
      if (Object.values(e.containers).some((c) => (c.publish ?? []).some((q) => q.split(':').slice(0, -1).join(':') === hostPart))) {
        fail(`docker: Error response from daemon: driver failed programming external connectivity on endpoint ${name}: Bind for ${hostPart} failed: port is already allocated.`, 125);
      }
    }
    const labels = Object.fromEntries(flagValues(rest, '--label').map((l) => [l.split('=')[0], l.split('=').slice(1).join('=')]));
    const id = (name + '0'.repeat(64)).replace(/[^a-f0-9]/g, 'a').slice(0, 64);
    e.containers[name] = { id, image, running: true, labels, networks: flagValues(rest, '--network'), publish, files: {} };
    saveState(state);
    out(id + '\n');
    break;
  }
  case 'start': {
    const c = e.containers[rest[0]];
    if (!c) noSuchContainer(rest[0]);
    c.running = true;
    saveState(state);
    out(rest[0] + '\n');
    break;
  }
  case 'network': {
    if (rest[0] === 'inspect') {
      if (!e.networks.includes(rest[1])) fail(`Error response from daemon: network ${rest[1]} not found`);
      // kind's network as docker 28 shows it: an IPv6 ULA subnet first, then 172.18.0.0/16.
      const config = rest[1] === 'kind' ? [{ Subnet: 'fc00:f853:ccd:e793::/64', Gateway: 'fc00:f853:ccd:e793::1' }, { Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }] : [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }];
      // podman 4.3.1 (seen on this machine) prints a JSON array even with --format '{{json .}}'.
      out(JSON.stringify(isDocker ? { Name: rest[1], IPAM: { Config: config } } : [{ name: rest[1], subnets: config.map((c) => ({ subnet: c.Subnet, gateway: c.Gateway })) }], null, isDocker ? 0 : 5) + '\n');
      break;
    }
    if (rest[0] === 'rm') {
      // docker 28: "Error response from daemon: network kind not found"; podman 4: "unable to find network with name or ID kind: network not found"
      if (!e.networks.includes(rest[1])) fail(isDocker ? `Error response from daemon: network ${rest[1]} not found` : `Error: unable to find network with name or ID ${rest[1]}: network not found`, isDocker ? 1 : 125);
      e.networks = e.networks.filter((n) => n !== rest[1]);
      saveState(state);
      out(rest[1] + '\n');
      break;
    }
    if (rest[0] !== 'connect') fail(`fake: unsupported: network ${rest[0]}`, 2);
    const [, network, name] = rest;
    if (!e.networks.includes(network)) fail(`Error response from daemon: network ${network} not found`);
    const c = e.containers[name];
    if (!c) noSuchContainer(name);
    if (c.networks.includes(network)) fail(`Error response from daemon: endpoint with name ${name} already exists in network ${network}`);
    c.networks.push(network);
    saveState(state);
    break;
  }
  case 'exec': {
    const args = rest[0] === '-i' ? rest.slice(1) : rest;
    const [name, prog, ...pargs] = args;
    const c = e.containers[name];
    if (!c) noSuchContainer(name);
    if (!c.running) fail(`Error response from daemon: container ${c.id} is not running`);
    if (prog === 'mkdir' && pargs[0] === '-p') {
      c.dirs = [...new Set([...(c.dirs ?? []), pargs[1]])];
    } else if (prog === 'cp' && pargs[0] === '/dev/stdin') {
      const dir = pargs[1].slice(0, pargs[1].lastIndexOf('/'));
      if (!(c.dirs ?? []).includes(dir)) fail(`cp: cannot create regular file '${pargs[1]}': No such file or directory`);
      c.files[pargs[1]] = stdin ?? '';
    } else if (prog === 'cat') {
      if (!(pargs[0] in c.files)) fail(`cat: ${pargs[0]}: No such file or directory`);
      out(c.files[pargs[0]]);
    } else fail(`fake: unsupported exec: ${prog}`, 2);
    saveState(state);
    break;
  }
  case 'ps': {
    const [filter] = flagValues(rest, '--filter');
    const onNetwork = /^network=(.+)$/.exec(filter)?.[1];
    const [key, value] = filter.replace(/^label=/, '').split('=');
    const matching = Object.entries(e.containers).filter(([, c]) =>
      onNetwork !== undefined ? (c.networks ?? []).includes(onNetwork) : value === undefined ? key in c.labels : c.labels[key] === value,
    );
    // --format as kind and ocilab use it: {{.Names}}, docker {{.Label "k"}}, podman {{index .Labels "k"}}
    const [format] = flagValues(rest, '--format');
    const label = /^\{\{(?:\.Label|index \.Labels) "([^"]+)"\}\}$/.exec(format ?? '')?.[1];
    const rows = matching.map(([n, c]) => (label ? (c.labels[label] ?? '') : n));
    out(rows.map((r) => r + '\n').join(''));
    break;
  }
  case 'rm': {
    const names = rest.filter((a) => !a.startsWith('-'));
    for (const n of names) {
      if (!e.containers[n]) noSuchContainer(n);
      delete e.containers[n];
      out(n + '\n');
    }
    saveState(state);
    break;
  }
  case 'image': {
    const ref = rest[rest.length - 1];
    if (!e.images.includes(ref)) fail(isDocker ? `Error response from daemon: No such image: ${ref}` : `Error: ${ref}: image not known`, isDocker ? 1 : 125);
    out(`sha256:${'b'.repeat(64)}\n`);
    break;
  }
  case 'pull': {
    // An image listed in e.unreachable fails the way docker does offline.
    const ref = rest[rest.length - 1];
    if ((e.unreachable ?? []).includes(ref)) fail(`Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host`, 1);
    if (!e.images.includes(ref)) e.images.push(ref);
    saveState(state);
    out(`${ref.split(':').pop()}: Pulling from ${ref}\nStatus: Downloaded newer image for ${ref}\n`);
    break;
  }
  case 'save': {
    // `save -o <file> <image>`: writes a FAKE archive (not a real image tarball).
    const file = flagValues(rest, '-o')[0];
    const ref = rest[rest.length - 1];
    if (!e.images.includes(ref)) fail(`Error response from daemon: reference does not exist`, 1);
    const { writeFileSync } = await import('node:fs');
    if ((e.saveFailsMidway ?? []).includes(ref)) {
      writeFileSync(file, 'FAKE image arch'); // cut short, as a full disk or a kill leaves it
      fail(`Error: write ${file}: no space left on device`, 125);
    }
    writeFileSync(file, `FAKE image archive of ${ref}\n`);
    break;
  }
  case 'load': {
    // `load -i <file>`: reads the FAKE archive `save` wrote to learn the ref, puts it in the store.
    const file = flagValues(rest, '-i')[0];
    const { existsSync, readFileSync } = await import('node:fs');
    if (!file || !existsSync(file)) fail(isDocker ? `open ${file}: no such file or directory` : `Error: open ${file}: no such file or directory`, isDocker ? 1 : 125);
    const ref = /^FAKE image archive of (\S+)\n?$/.exec(readFileSync(file, 'utf8'))?.[1];
    if (!ref) fail(`fake ${engine}: ${file} is not an archive the fake save wrote`, 2);
    if (!e.images.includes(ref)) e.images.push(ref);
    saveState(state);
    out(`Loaded image: ${ref}\n`);
    break;
  }
  default:
    fail(`fake ${engine}: unsupported command ${cmd}`, 2);
}
