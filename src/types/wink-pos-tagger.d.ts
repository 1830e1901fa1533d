declare module 'wink-pos-tagger' {
  interface TaggedToken {
    value: string;
    tag: string;
    normal: string;
    pos: string;
    lemma?: string;
  }
  interface Tagger {
    tagRawTokens(tokens: string[]): TaggedToken[];
    tagSentence(sentence: string): TaggedToken[];
  }
  function posTagger(): Tagger;
  export default posTagger;
}
