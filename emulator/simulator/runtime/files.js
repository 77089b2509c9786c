// A small in-memory file system behind wx.getFileSystemManager(): wx.env.USER_DATA_PATH files that pages
// write (e.g. a poster before saveImageToPhotosAlbum) and the temp files chooseMessageFile returns.
export const USER_DATA_PATH = 'wxfile://usr';

const files = new Map(); // path → Uint8Array
let tempSeq = 0;

function fail(api, message) {
  return { errMsg: `${api}:fail ${message}` };
}

function toBytes(data, encoding, api) {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const text = String(data);
  switch ((encoding || 'utf8').toLowerCase()) {
    case 'base64': {
      const bin = atob(text.replace(/\s/g, ''));
      const out = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
      return out;
    }
    case 'utf8':
    case 'utf-8':
      return new TextEncoder().encode(text);
    case 'binary':
    case 'latin1': {
      const out = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
      return out;
    }
    default:
      throw fail(api, `unsupported encoding ${encoding}`);
  }
}

function fromBytes(bytes, encoding, api) {
  if (!encoding) return bytes.slice().buffer;
  switch (encoding.toLowerCase()) {
    case 'utf8':
    case 'utf-8':
      return new TextDecoder().decode(bytes);
    case 'base64': {
      let bin = '';
      for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
      return btoa(bin);
    }
    case 'binary':
    case 'latin1': {
      let bin = '';
      for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
      return bin;
    }
    default:
      throw fail(api, `unsupported encoding ${encoding}`);
  }
}

function writable(path, api) {
  if (typeof path !== 'string' || !path.startsWith(`${USER_DATA_PATH}/`)) {
    throw fail(api, `permission denied, open ${path}`);
  }
}

/** A temp file (as chooseMessageFile returns): its wxfile://tmp_… path. */
export function registerFile(name, bytes) {
  tempSeq += 1;
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.')) : '';
  const path = `wxfile://tmp_${Date.now().toString(36)}${tempSeq}${ext}`;
  files.set(path, bytes);
  return path;
}

function callbackStyle(api, fn) {
  return (o = {}) => {
    Promise.resolve()
      .then(() => fn(o))
      .then(
        (res) => {
          const out = Object.assign({ errMsg: `${api}:ok` }, res);
          if (o.success) o.success(out);
          if (o.complete) o.complete(out);
        },
        (err) => {
          const out = err && err.errMsg ? err : fail(api, String(err));
          if (o.fail) o.fail(out);
          if (o.complete) o.complete(out);
        },
      );
  };
}

function readSync(filePath, encoding) {
  const bytes = files.get(filePath);
  if (!bytes) throw fail('readFile', `no such file or directory, open ${filePath}`);
  return fromBytes(bytes, encoding, 'readFile');
}

function writeSync(filePath, data, encoding) {
  writable(filePath, 'writeFile');
  files.set(filePath, toBytes(data, encoding, 'writeFile'));
}

function statOf(path) {
  const bytes = files.get(path);
  if (!bytes) throw fail('stat', `no such file or directory ${path}`);
  return {
    size: bytes.length,
    isFile: () => true,
    isDirectory: () => false,
    lastModifiedTime: Math.floor(Date.now() / 1000),
  };
}

export const fs = {
  bytesOf: (path) => files.get(path),
  readFileSync: (filePath, encoding) => readSync(filePath, encoding),
  readFile: callbackStyle('readFile', (o) => ({ data: readSync(o.filePath, o.encoding) })),
  writeFileSync: (filePath, data, encoding) => writeSync(filePath, data, encoding),
  writeFile: callbackStyle('writeFile', (o) => writeSync(o.filePath, o.data, o.encoding)),
  accessSync: (path) => {
    if (!files.has(path) && path !== USER_DATA_PATH)
      throw fail('access', `no such file or directory ${path}`);
  },
  access: callbackStyle('access', (o) => fs.accessSync(o.path)),
  unlinkSync: (path) => {
    if (!files.delete(path)) throw fail('unlink', `no such file or directory ${path}`);
  },
  unlink: callbackStyle('unlink', (o) => fs.unlinkSync(o.filePath)),
  mkdirSync: () => undefined,
  mkdir: callbackStyle('mkdir', () => ({})),
  statSync: (path) => statOf(path),
  stat: callbackStyle('stat', (o) => ({ stats: statOf(o.path) })),
  getFileInfo: callbackStyle('getFileInfo', (o) => ({ size: statOf(o.filePath).size })),
};
