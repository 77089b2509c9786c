import { ascii, chinese, useEmulator } from './helpers';

const wx = useEmulator();

describe('roles', () => {
  test('the default role 1 "推广员" exists from the start (getrole without and with role_id)', async () => {
    const all = await wx.post('/promoter/getrole', {});
    expect(all).toMatchObject({ errcode: 0, total_cnt: 1, role_list: [{ role_id: 1, name: '推广员' }] });
    const one = await wx.post('/promoter/getrole', { role_id: 1 });
    expect(one.role_list).toEqual([{ role_id: 1, name: '推广员', desc: '' }]);
  });

  test('getrole of an unknown role_id is 103006', async () => {
    expect((await wx.post('/promoter/getrole', { role_id: 42 })).errcode).toBe(103006);
  });

  test('addrole replays the official example: returns role_id 2 and echoes name and desc', async () => {
    const answer = await wx.post('/promoter/addrole', { name: 'xxxxx', desc: 'xxxxx' });
    expect(answer).toEqual({ errcode: 0, errmsg: 'ok', role_id: 2, name: 'xxxxx', desc: 'xxxxx' });
    const all = await wx.post('/promoter/getrole', {});
    expect(all.total_cnt).toBe(2);
    expect(all.role_list.map((role: any) => role.role_id)).toEqual([1, 2]);
  });

  test('missing name 103001; name over 50 bytes / desc over 200 bytes 103002 (UTF-8 bytes)', async () => {
    expect((await wx.post('/promoter/addrole', { desc: 'x' })).errcode).toBe(103001);
    expect((await wx.post('/promoter/addrole', { name: '' })).errcode).toBe(103001);
    expect((await wx.post('/promoter/addrole', { name: 12 })).errcode).toBe(103001);
    // 16 Chinese characters + 2 ASCII = 50 bytes fits; 17 Chinese = 51 bytes does not.
    expect((await wx.post('/promoter/addrole', { name: `${chinese(16)}ab` })).errcode).toBe(0);
    expect((await wx.post('/promoter/addrole', { name: chinese(17) })).errcode).toBe(103002);
    expect((await wx.post('/promoter/addrole', { name: 'd', desc: ascii(200) })).errcode).toBe(0);
    expect((await wx.post('/promoter/addrole', { name: 'e', desc: chinese(67) })).errcode).toBe(103002);
    expect((await wx.post('/promoter/getrole', {})).total_cnt).toBe(3);
  });

  test('a duplicate name is 103003', async () => {
    await wx.post('/promoter/addrole', { name: '店员' });
    expect((await wx.post('/promoter/addrole', { name: '店员' })).errcode).toBe(103003);
    expect((await wx.post('/promoter/addrole', { name: '推广员' })).errcode).toBe(103003);
  });

  test('at most 100 roles: the 101st is 103005', async () => {
    for (let i = 2; i <= 100; i++) {
      expect((await wx.post('/promoter/addrole', { name: `role-${i}` })).errcode).toBe(0);
    }
    expect((await wx.post('/promoter/getrole', {})).total_cnt).toBe(100);
    expect((await wx.post('/promoter/addrole', { name: 'one too many' })).errcode).toBe(103005);
  });

  test('updaterole changes name and/or desc; needs one of them', async () => {
    const { role_id: roleId } = await wx.post('/promoter/addrole', { name: '店员', desc: '旧' });
    expect((await wx.post('/promoter/updaterole', { role_id: roleId, name: '店长' })).errcode).toBe(0);
    expect((await wx.post('/promoter/updaterole', { role_id: roleId, desc: '新说明' })).errcode).toBe(0);
    expect((await wx.post('/promoter/getrole', { role_id: roleId })).role_list[0]).toEqual({
      role_id: roleId,
      name: '店长',
      desc: '新说明',
    });
    expect((await wx.post('/promoter/updaterole', { role_id: roleId })).errcode).toBe(103001);
    expect((await wx.post('/promoter/updaterole', { name: 'x' })).errcode).toBe(103001);
  });

  test('updaterole errors change nothing: unknown 103006, too long 103002, duplicate 103003', async () => {
    const { role_id: roleId } = await wx.post('/promoter/addrole', { name: '店员', desc: '说明' });
    expect((await wx.post('/promoter/updaterole', { role_id: 77, name: 'x' })).errcode).toBe(103006);
    const tooLong = await wx.post('/promoter/updaterole', { role_id: roleId, name: 'ok', desc: ascii(201) });
    expect(tooLong.errcode).toBe(103002);
    expect((await wx.post('/promoter/updaterole', { role_id: roleId, name: '推广员' })).errcode).toBe(103003);
    expect((await wx.post('/promoter/getrole', { role_id: roleId })).role_list[0]).toMatchObject({
      name: '店员',
      desc: '说明',
    });
  });
});
