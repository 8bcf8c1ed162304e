import { describe, expect, it } from 'vitest';
import { describeDestination, filesystemOf } from '../../src/measure/destination.js';

const MOUNTS = [
  '/dev/vda / ext4 rw,relatime 0 0',
  'tmpfs /dev/shm tmpfs rw,nosuid,nodev 0 0',
  'tmpfs /tmp tmpfs rw 0 0',
  '/dev/vdb /tmp/big\\040disk xfs rw 0 0',
].join('\n');

describe('where files are written', () => {
  it.each([
    ['/home/x/work', 'ext4', '/', false],
    ['/dev/shm/run-1', 'tmpfs', '/dev/shm', true],
    ['/tmp/ocilab', 'tmpfs', '/tmp', true],
    ['/tmpfoo/x', 'ext4', '/', false],
    ['/tmp/big disk/a', 'xfs', '/tmp/big disk', false],
  ])('%s is on %s', (dir, fsType, mountPoint, inMemory) => {
    expect(filesystemOf(dir, MOUNTS)).toEqual({ dir, fsType, mountPoint, inMemory });
  });

  it('reads the real /proc/mounts', () => {
    const d = filesystemOf('/dev/shm');
    expect(d.fsType).toBe('tmpfs');
    expect(describeDestination(d)).toBe('/dev/shm: tmpfs at /dev/shm (memory)');
  });
});
