#!/usr/bin/env node
export declare const EXIT: {
    readonly ok: 0;
    readonly invalid: 1;
    readonly usage: 2;
    readonly failed: 3;
};
