// Headers cross the host boundary as one newline-joined string (see protocol.js).
import { Headers, headerPairs } from '../headers.js';
import { joinHeaders, splitHeaders } from './protocol.js';

export function headersFromText(text) {
  const list = splitHeaders(text);
  const headers = new Headers();
  for (let i = 0; i < list.length; i += 2) headers.append(list[i], list[i + 1]);
  return headers;
}

export function headersToText(headers) {
  const list = [];
  for (const [name, value] of headerPairs(headers)) list.push(name, value);
  return joinHeaders(list);
}
