// Fixed time zone so dates format the same on every machine (as tdesign-miniprogram's tests do).
module.exports = () => {
  process.env.TZ = 'Asia/Shanghai';
};
