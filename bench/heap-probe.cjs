// Loaded into the emulator's process by emulator-memory.bench.ts (`node --expose-gc --require`): on SIGUSR2 it runs two
// full garbage collections and prints the heap still in use, so what the process keeps is told from what its heap and
// allocator have merely not handed back.
'use strict';
process.on('SIGUSR2', () => {
  global.gc();
  global.gc();
  process.stdout.write(`heap-after-gc ${process.memoryUsage().heapUsed}\n`);
});
