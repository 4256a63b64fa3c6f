export const ops = {};
