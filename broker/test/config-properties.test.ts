import { describe, expect, it } from 'vitest';
import { ConfigError, parseProperties } from '../src/config.js';

describe('parseProperties (java.util.Properties syntax)', () => {
  it('handles separators, comments and blank lines', () => {
    const p = parseProperties(
      [
        '# a comment',
        '! also a comment',
        '   # indented comment',
        '',
        'a=1',
        'b:2',
        'c 3',
        'd = 4',
        'e   :   5',
        'f\t=\t6',
        'g',
        'h=',
        'i==x',
        'j=a=b:c',
      ].join('\n'),
    );
    expect(Object.fromEntries(p)).toEqual({
      a: '1',
      b: '2',
      c: '3',
      d: '4',
      e: '5',
      f: '6',
      g: '',
      h: '',
      i: '=x',
      j: 'a=b:c',
    });
  });

  it('keeps trailing whitespace in values and ignores leading whitespace of lines', () => {
    const p = parseProperties('   key = value  \n');
    expect(p.get('key')).toBe('value  ');
  });

  it('joins backslash continuations, dropping the next line\'s leading whitespace', () => {
    const p = parseProperties('listeners=PLAINTEXT://a:1,\\\n     PLAINTEXT2://b:2\nnext=x\n');
    expect(p.get('listeners')).toBe('PLAINTEXT://a:1,PLAINTEXT2://b:2');
    expect(p.get('next')).toBe('x');
  });

  it('an even number of trailing backslashes is an escaped backslash, not a continuation', () => {
    const p = parseProperties('path=C:\\\\dir\\\\\nother=1\n');
    expect(p.get('path')).toBe('C:\\dir\\');
    expect(p.get('other')).toBe('1');
  });

  it('a continuation line starting with # is data, a comment line ending in \\ does not continue', () => {
    const p = parseProperties('a=x\\\n#notcomment\n# comment \\\nb=2\n');
    expect(p.get('a')).toBe('x#notcomment');
    expect(p.get('b')).toBe('2');
  });

  it('decodes escapes in keys and values', () => {
    const p = parseProperties('my\\ key\\=x=tab\\there\\nnl \\u0041\\q\n');
    expect(p.get('my key=x')).toBe('tab\there\nnl Aq');
  });

  it('handles CRLF and CR line endings and a continuation at end of file', () => {
    const p = parseProperties('a=1\r\nb=2\rc=3\\');
    expect(Object.fromEntries(p)).toEqual({ a: '1', b: '2', c: '3' });
  });

  it('the last duplicate key wins', () => {
    expect(parseProperties('a=1\na=2\n').get('a')).toBe('2');
  });

  it('rejects a malformed \\u escape', () => {
    expect(() => parseProperties('a=\\u12x4\n')).toThrow(ConfigError);
  });
});
