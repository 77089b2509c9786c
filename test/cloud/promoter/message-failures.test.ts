/** Why a message did not reach someone, as a store manager reads it next to the person's name. */
import { deliveryFailureReason } from '../../../cloudfunctions/promoter/src/message-failures';

describe('deliveryFailureReason', () => {
  it.each([
    [103010, 'TA 设置了不接收推广消息'],
    [103014, 'TA 还没有完成授权，或已解除授权'],
    [103011, '给 TA 发得太频繁了，微信暂时不再送达，请过段时间再发'],
    [103012, '微信这次没有送达，可以再发一次'],
    [-1, '微信系统繁忙，没有送达，可以再发一次'],
    [45011, '微信系统繁忙，没有送达，可以再发一次'],
  ])('errcode %i reads "%s"', (errcode, reason) => {
    expect(deliveryFailureReason(errcode)).toBe(reason);
  });

  it('an errcode it has no words for still says it was WeChat and which code', () => {
    expect(deliveryFailureReason(40099)).toBe('微信没有送达（错误码 40099）');
  });

  it('a failure without an errcode (network, our own refusal) keeps its own sentence', () => {
    expect(deliveryFailureReason(undefined, '网络连接失败')).toBe('网络连接失败');
    expect(deliveryFailureReason(undefined)).toBe('发送失败');
  });
});
