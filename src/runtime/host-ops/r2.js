// The R2 binding's host side (not built yet).
export const ops = {};
