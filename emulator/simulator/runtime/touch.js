// Mouse → touch. j-component makes `tap` (and longpress) only from touchstart/touchend, so a mouse
// press in the phone is replayed as touch events on the same target. Real touch input (a phone browser)
// already fires touch events; the mouse events that follow it are ignored.
export function installTouch() {
  let down = null;
  const touch = (type, e, target) => {
    const t = new Touch({
      identifier: 1,
      target,
      clientX: e.clientX,
      clientY: e.clientY,
      pageX: e.pageX,
      pageY: e.pageY,
    });
    const live = type === 'touchend' || type === 'touchcancel' ? [] : [t];
    return new TouchEvent(type, {
      bubbles: true,
      cancelable: true,
      composed: true,
      touches: live,
      targetTouches: live,
      changedTouches: [t],
    });
  };
  const inPhone = (el) => el instanceof Element && !!el.closest('#sim-viewport');
  const fromTouch = (e) => e.sourceCapabilities && e.sourceCapabilities.firesTouchEvents;
  document.addEventListener(
    'mousedown',
    (e) => {
      if (e.button !== 0 || fromTouch(e) || !inPhone(e.target)) return;
      down = e.target;
      down.dispatchEvent(touch('touchstart', e, down));
    },
    true,
  );
  document.addEventListener(
    'mousemove',
    (e) => {
      if (down && !fromTouch(e)) down.dispatchEvent(touch('touchmove', e, down));
    },
    true,
  );
  document.addEventListener(
    'mouseup',
    (e) => {
      if (!down) return;
      const target = down;
      down = null;
      target.dispatchEvent(touch('touchend', e, target));
    },
    true,
  );
}
