/** The part of sax (https://github.com/isaacs/sax-js, which ships no types) that parse.ts uses. */
declare module 'sax' {
  namespace sax {
    interface QualifiedAttribute {
      name: string;
      value: string;
      prefix: string;
      local: string;
      uri: string;
    }
    interface QualifiedTag {
      name: string;
      prefix: string;
      local: string;
      uri: string;
      attributes: Record<string, QualifiedAttribute>;
      isSelfClosing: boolean;
    }
    interface SAXParser {
      onopentag: (tag: QualifiedTag) => void;
      onclosetag: (name: string) => void;
      ontext: (text: string) => void;
      oncdata: (text: string) => void;
      onerror: (error: Error) => void;
      write(chunk: string): SAXParser;
      close(): SAXParser;
    }
    function parser(strict: boolean, options?: { xmlns?: boolean; trim?: boolean; normalize?: boolean }): SAXParser;
  }
  export = sax;
}
