/** The shared view pieces, rendered with real tdesign inside a host component. */
import simulate from 'miniprogram-simulate';
import { flush, load } from '../helpers';

const components = {
  'state-view': load('components/state-view/index'),
  'status-tag': load('components/status-tag/index'),
  'load-more': load('components/load-more/index'),
  'byte-field': load('components/byte-field/index'),
};

function host(template: string, data: Record<string, unknown>) {
  const id = simulate.load({
    template,
    data,
    usingComponents: components,
  } as any);
  const comp = simulate.render(id);
  comp.attach(document.createElement('parent-wrapper'));
  return comp;
}

const text = (node: any): string => (node?.dom?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('state-view', () => {
  const template = `<state-view class="sv" state="{{state}}" empty-text="暂无推广员" error-text="{{err}}" bind:retry="onRetry">
      <view class="content">列表内容</view><view slot="empty" class="empty-extra">去邀请</view></state-view>`;

  it('shows a skeleton while loading and hides the content', async () => {
    const comp = host(template, { state: 'loading', err: '' });
    await flush();
    const sv = comp.querySelector('.sv')!;
    expect(sv.querySelectorAll('.state-view__skeleton').length).toBe(3);
    expect(sv.querySelector('.state-view__content')).toBeFalsy();
    expect(text(sv)).not.toContain('列表内容');
  });

  it('shows the empty text and the empty slot', async () => {
    const comp = host(template, { state: 'empty', err: '' });
    await flush();
    expect(text(comp.querySelector('.sv')!.querySelector('.state-view__empty'))).toBe('暂无推广员去邀请');
  });

  it('shows the error text and emits retry from the button', async () => {
    const comp = host(template, { state: 'error', err: '网络异常，请检查网络后重试' });
    const onRetry = jest.fn();
    (comp.querySelector('.sv') as any).addEventListener('retry', onRetry);
    await flush();
    const sv = comp.querySelector('.sv')!;
    expect(text(sv.querySelector('.state-view__error'))).toContain('网络异常，请检查网络后重试');
    // `>>>` crosses into a child component's tree (state-view → t-button)
    sv.querySelector('.state-view__retry >>> .t-button')!.dispatchEvent('tap');
    await flush();
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it('shows the content when ready', async () => {
    const comp = host(template, { state: 'loading', err: '' });
    comp.setData({ state: 'ready' });
    await flush();
    const sv = comp.querySelector('.sv')!;
    expect(text(sv.querySelector('.state-view__content'))).toBe('列表内容');
    expect(sv.querySelector('.state-view__loading')).toBeFalsy();
  });
});

describe('status-tag', () => {
  it.each([
    ['promoter', 'bound', '已绑定', 'success'],
    ['promoter', 'awaiting', '待授权', 'warning'],
    ['promoter', 'revoked', '已解除授权', 'danger'],
    ['promoter', 'cancelled', '已取消声明', 'default'],
    ['join', 'pending', '待审核', 'warning'],
    ['join', 'approved', '已通过', 'success'],
    ['join', 'rejected', '已拒绝', 'danger'],
  ])('%s %s reads %s with theme %s and an aria-label', async (kind, status, label, theme) => {
    const comp = host(`<status-tag class="st" kind="{{kind}}" status="{{status}}" />`, { kind, status });
    await flush();
    const tag = comp.querySelector('.st')!;
    expect(tag.data.label).toBe(label);
    expect(tag.data.theme).toBe(theme);
    // simulate does not render aria-* attributes into the DOM: assert the bound value
    expect(tag.data.ariaLabel).toBe(`状态：${label}`);
    expect(text(tag)).toBe(label);
    expect(tag.querySelector('.status-tag')!.dom!.innerHTML).toContain(`t-tag--${theme}`);
  });

  it('follows a status change', async () => {
    const comp = host(`<status-tag class="st" status="{{status}}" />`, { status: 'awaiting' });
    comp.setData({ status: 'bound' });
    await flush();
    expect(text(comp.querySelector('.st'))).toBe('已绑定');
  });
});

describe('load-more', () => {
  const template = `<load-more class="lm" status="{{status}}" bind:retry="onRetry" />`;

  it('renders nothing when idle, a text per status otherwise', async () => {
    const comp = host(template, { status: 'idle' });
    await flush();
    expect(text(comp.querySelector('.lm'))).toBe('');
    comp.setData({ status: 'no-more' });
    await flush();
    expect(text(comp.querySelector('.lm'))).toBe('没有更多了');
    comp.setData({ status: 'loading' });
    await flush();
    expect(text(comp.querySelector('.lm'))).toContain('加载中');
  });

  it('emits retry on tap only in the error state', async () => {
    const comp = host(template, { status: 'no-more' });
    const onRetry = jest.fn();
    const lm = comp.querySelector('.lm') as any; // addEventListener exists at run time, not in j-component's .d.ts
    lm.addEventListener('retry', onRetry);
    await flush();
    lm.querySelector('.load-more')!.dispatchEvent('tap');
    await flush();
    expect(onRetry).not.toHaveBeenCalled();
    comp.setData({ status: 'error' });
    await flush();
    expect(text(lm)).toBe('加载失败，点击重试');
    lm.querySelector('.load-more')!.dispatchEvent('tap');
    await flush();
    expect(onRetry).toHaveBeenCalledTimes(1);
  });
});

describe('byte-field', () => {
  const template = `<byte-field class="bf" label="姓名" field="name" value="{{value}}" max="{{30}}" error="{{error}}" bind:change="onChange" />`;

  it('counts in characters what WeChat counts in UTF-8 bytes: 30 bytes, 张伟 (6) leave 8 汉字', async () => {
    const comp = host(template, { value: '张伟', error: '' });
    await flush();
    const bf = comp.querySelector('.bf')!;
    expect(text(bf.querySelector('.byte-field__counter'))).toBe('还能输入 8 个字');
    expect(text(bf.querySelector('.byte-field__error'))).toBe('');
  });

  it('shows the same length message as the cloud when too long, and the page error when given', async () => {
    const comp = host(template, { value: '张'.repeat(11), error: '' });
    await flush();
    const bf = comp.querySelector('.bf')!;
    expect(text(bf.querySelector('.byte-field__counter'))).toBe('还能输入 0 个字');
    expect(bf.querySelector('.byte-field__counter--over')).toBeTruthy();
    expect(text(bf.querySelector('.byte-field__error'))).toBe('姓名太长了，最多 10 个汉字或 30 个字母数字');
    comp.setData({ value: '张伟', error: '姓名不能为空' });
    await flush();
    expect(text(bf.querySelector('.byte-field__error'))).toBe('姓名不能为空');
  });

  it('emits change with the typed value', async () => {
    const comp = host(template, { value: '', error: '' });
    const onChange = jest.fn();
    const bf = comp.querySelector('.bf') as any;
    bf.addEventListener('change', onChange);
    await flush();
    bf.querySelector('.byte-field >>> .t-input__control').dispatchEvent('input', {
      detail: { value: '李娜' },
    });
    await flush();
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange.mock.calls[0][0].detail).toEqual({ value: '李娜' });
  });
});
