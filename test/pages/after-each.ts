/** Every page and flow test starts with the real wx stubs of simulate: spies made in a test end with it. */
afterEach(() => {
  jest.restoreAllMocks();
});
