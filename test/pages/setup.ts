/**
 * Page shim for miniprogram-simulate, which defines only `Component` and `Behavior` globals.
 * `Page(def)` becomes a Component: functions become methods (lifecycles such as onLoad, onShow,
 * onPullDownRefresh, onReachBottom and onShareAppMessage are then called by the test), other fields
 * are copied onto the instance when it is created, as the real Page does.
 */
const g = global as any;

g.Page = (def: Record<string, unknown>) => {
  const { data, options, behaviors, ...rest } = def as any;
  const methods: Record<string, unknown> = {};
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(rest)) {
    if (typeof rest[key] === 'function') methods[key] = rest[key];
    else fields[key] = rest[key];
  }
  return g.Component({
    data,
    options,
    behaviors,
    methods,
    lifetimes: {
      created(this: Record<string, unknown>) {
        for (const [key, value] of Object.entries(fields))
          this[key] = value === undefined ? value : JSON.parse(JSON.stringify(value));
      },
    },
  });
};

/** One app object per test file; `resetApp()` in helpers clears it between tests. */
g.__testApp = { globalData: {} };
g.getApp = () => g.__testApp;
g.__testPages = [];
g.getCurrentPages = () => g.__testPages;
