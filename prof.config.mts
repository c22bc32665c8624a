import base from './vitest.config.ts';
export default { ...base, test: { ...base.test, projects: base.test!.projects!.map((p: any) => ({ ...p, test: { ...p.test, setupFiles: ['/tmp/tools/profsetup.ts'] } })) } };
