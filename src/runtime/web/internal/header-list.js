// Headers cross the host boundary as flat [name, value, name, value, ...] arrays: cheaper to copy
// than arrays of pairs.
import { Headers } from '../headers.js';

export function headersFromList(list) {
  const headers = new Headers();
  for (let i = 0; i < list.length; i += 2) headers.append(list[i], list[i + 1]);
  return headers;
}

export function headersToList(headers) {
  const list = [];
  for (const [name, value] of headers) list.push(name, value);
  return list;
}
