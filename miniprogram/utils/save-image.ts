/**
 * Save a base64 image (WeChat's poster / QR code) to the phone's album: write it to a user-data file,
 * then wx.saveImageToPhotosAlbum. When the user has refused album access, the call fails with
 * "auth deny"/"authorize no response"; we then offer the settings page (wx.openSetting), the only
 * place the permission can be granted again.
 */

export type SaveImageOutcome = 'saved' | 'denied' | 'cancelled';

function stripDataUrl(base64: string): string {
  const comma = base64.indexOf(',');
  return base64.startsWith('data:') && comma >= 0 ? base64.slice(comma + 1) : base64;
}

function writeFile(filePath: string, base64: string): Promise<void> {
  return new Promise((resolve, reject) => {
    wx.getFileSystemManager().writeFile({
      filePath,
      data: stripDataUrl(base64),
      encoding: 'base64',
      success: () => resolve(),
      fail: reject,
    });
  });
}

function saveToAlbum(filePath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    wx.saveImageToPhotosAlbum({ filePath, success: () => resolve(), fail: reject });
  });
}

const errMsgOf = (err: unknown): string => String((err as { errMsg?: string })?.errMsg ?? err);

/** Resolves 'saved', 'cancelled' (user closed the system prompt) or 'denied' (album access refused). */
export async function saveBase64Image(base64: string, name: string): Promise<SaveImageOutcome> {
  const filePath = `${wx.env.USER_DATA_PATH}/${name}-${Date.now()}.png`;
  await writeFile(filePath, base64);
  try {
    await saveToAlbum(filePath);
    return 'saved';
  } catch (err) {
    const msg = errMsgOf(err);
    if (/auth/i.test(msg)) {
      const answer = await wx.showModal({
        title: '需要相册权限',
        content: '保存图片需要允许访问相册，请在设置中打开“保存到相册”。',
        confirmText: '去设置',
      });
      if (answer.confirm) wx.openSetting({});
      return 'denied';
    }
    if (/cancel/i.test(msg)) return 'cancelled';
    throw err;
  }
}

/** Copy a link; WeChat shows its own "内容已复制" toast. */
export function copyText(data: string): Promise<void> {
  return new Promise((resolve, reject) => {
    wx.setClipboardData({ data, success: () => resolve(), fail: reject });
  });
}
