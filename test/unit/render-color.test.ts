import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useColor } from '../../src/render/index.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('useColor', () => {
  it('colours a terminal and nothing else', () => {
    assert.equal(useColor(tty, {}), true);
    assert.equal(useColor(pipe, {}), false);
    assert.equal(useColor({}, {}), false);
  });

  it('honours NO_COLOR when it is set to anything non-empty (no-color.org)', () => {
    assert.equal(useColor(tty, { NO_COLOR: '1' }), false);
    assert.equal(useColor(tty, { NO_COLOR: '0' }), false);
    assert.equal(useColor(tty, { NO_COLOR: 'false' }), false);
  });

  it('ignores an empty NO_COLOR', () => {
    assert.equal(useColor(tty, { NO_COLOR: '' }), true);
    assert.equal(useColor(tty, { NO_COLOR: undefined }), true);
  });

  it('lets FORCE_COLOR switch colour on, even off a terminal and over NO_COLOR', () => {
    assert.equal(useColor(pipe, { FORCE_COLOR: '1' }), true);
    assert.equal(useColor(pipe, { FORCE_COLOR: '' }), true);
    assert.equal(useColor(pipe, { FORCE_COLOR: '3', NO_COLOR: '1' }), true);
  });

  it('treats FORCE_COLOR=0 or false as off', () => {
    assert.equal(useColor(tty, { FORCE_COLOR: '0' }), false);
    assert.equal(useColor(tty, { FORCE_COLOR: 'false' }), false);
  });

  it('does not colour a dumb terminal', () => {
    assert.equal(useColor(tty, { TERM: 'dumb' }), false);
  });
});
