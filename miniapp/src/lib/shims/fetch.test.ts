/**
 * The fetch shim over Taro.request (issue 15.3): Alipay's my.request reports every HTTP 4xx/5xx
 * through `fail` (error 19 "HTTP错误", 14 when a JSON body does not decode) with the answer's
 * status, data and headers; Taro's Alipay adapter rejects with that object as it is. Such an
 * answer must come out as a Response with that status and body — a refusal the app shows and the
 * outbox stops on — and only a failure without an HTTP answer is a network error. Every request
 * carries the 15 s timeout.
 */
const mockOptions: Array<Record<string, unknown>> = [];
let mockAnswer: () => Promise<unknown> = () => Promise.reject(new Error('no answer set'));

jest.mock('@tarojs/taro', () => ({
  __esModule: true,
  default: {
    request: (options: Record<string, unknown>) => {
      mockOptions.push(options);
      const p = mockAnswer() as Promise<unknown> & { abort?: () => void };
      p.abort = () => undefined;
      return p;
    },
  },
}));

import { AppError, fromErrorResponse } from '../errors.ts';
import { REQUEST_TIMEOUT_MS, httpAnswerOfFailure, miniFetch } from './fetch.ts';

const REFUSAL = { code: 'rating_window_closed', message: '评价期限已过，不能再评价' };

beforeEach(() => {
  mockOptions.length = 0;
});

test('Alipay error 19 with status 409 and a JSON body is a 409 Response with that body, not a network error', async () => {
  mockAnswer = () => Promise.reject({ error: 19, errorMessage: 'http status error', status: 409, data: JSON.stringify(REFUSAL), headers: { 'content-type': 'application/json' } });
  const res = await miniFetch('https://api.example.cn/rest/v1/rpc/submit_rating', { method: 'POST', body: '{}' });
  expect(res.status).toBe(409);
  expect(res.ok).toBe(false);
  expect(res.headers.get('content-type')).toBe('application/json');
  const error = fromErrorResponse(res.status, await res.text());
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject(REFUSAL);
});

test.each([
  ['error 19, 500 with an object body', { error: 19, errorMessage: 'http status error', status: 500, data: { message: 'boom' }, headers: {} }, 500, '{"message":"boom"}'],
  ['error 14 (JSON decode) with status 400', { error: 14, errorMessage: '解码失败', status: 400, data: 'not json', headers: {} }, 400, 'not json'],
  ['error 19 with a status as text and no data', { error: 19, status: '401' }, 401, ''],
  ['statusCode instead of status', { errMsg: 'request:fail', statusCode: 403, data: '{}', header: {} }, 403, '{}'],
] as const)('%s', async (_name, failure, status, body) => {
  mockAnswer = () => Promise.reject(failure);
  const res = await miniFetch('https://api.example.cn/x');
  expect(res.status).toBe(status);
  await expect(res.text()).resolves.toBe(body);
});

test.each([
  ['Alipay error 12 (网络出错)', { error: 12, errorMessage: '网络出错' }],
  ['Alipay error 13 (超时)', { error: 13, errorMessage: '超时' }],
  ['WeChat request:fail', { errMsg: 'request:fail net::ERR_INTERNET_DISCONNECTED' }],
  ['a status that is no HTTP status', { error: 19, status: 0 }],
] as const)('%s is a network error (TypeError), as fetch has it', async (_name, failure) => {
  mockAnswer = () => Promise.reject(failure);
  await expect(miniFetch('https://api.example.cn/x')).rejects.toBeInstanceOf(TypeError);
  expect(httpAnswerOfFailure(failure)).toBeNull();
});

test('every request asks for text with the 15 s timeout', async () => {
  mockAnswer = () => Promise.resolve({ statusCode: 200, data: '[]', header: {} });
  await miniFetch('https://api.example.cn/rest/v1/rpc/x', { method: 'POST', body: '{}', headers: { apikey: 'k' } });
  expect(REQUEST_TIMEOUT_MS).toBe(15_000);
  expect(mockOptions[0]).toMatchObject({ timeout: 15_000, dataType: 'text', responseType: 'text', method: 'POST' });
});
