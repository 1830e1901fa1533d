#!/usr/bin/env node
/** `rin` command line: dispatch to a command; user errors print one clear line, no stack. */
import { UserError } from '../core/errors.ts';
import { codeVersion } from '../core/version.ts';

type Command = (argv: string[]) => Promise<void>;

// Each command's module is imported only when it runs: they pull in TensorFlow.js, wink-nlp and
// hono, which take about a second to load, so `rin --version` and `rin --help` stay fast.
const commands: Record<string, () => Promise<Command>> = {
  extract: async () => (await import('./extract.ts')).extractCommand,
  serve: async () => (await import('./serve.ts')).serveCommand,
  train: async () => (await import('./train.ts')).trainCommand,
  eval: async () => (await import('./eval.ts')).evalCommand,
  predict: async () => (await import('./predict.ts')).predictCommand,
  convert: async () => (await import('./convert.ts')).convertCommand,
  validate: async () => (await import('./validate.ts')).validateCommand,
  graph: async () => (await import('./graph.ts')).graphCommand,
  export: async () => (await import('./export.ts')).exportCommand,
  queue: async () => (await import('./queue.ts')).queueCommand,
  worker: async () => (await import('./queue.ts')).workerCommand,
};

const help = `rin ${codeVersion()} — joint entity and relation extraction (Recurrent Interaction Network, Sun et al. 2020)

usage: rin <command> [options]      rin <command> --help for its options

commands
  extract    extract triples from English text (arguments, a file, stdin or JSONL)
  serve      an HTTP service and web page for extraction
  train      train a model on labelled data, keep the best on dev
  eval       score a saved model on a labelled file (partial and exact match, NER, breakdowns)
  predict    predict triples for each sentence of a file, as JSONL
  convert    convert a dataset file between formats (casrel, spert, jsonl)
  validate   check a dataset file and list every problem (exit 2 when unusable)
  graph      merge rin extract --jsonl results into one RDF knowledge graph
  export     write a model as an ONNX graph (rin export --onnx MODEL_DIR OUT.onnx)
  queue      corpus-scale extraction on a BullMQ queue in Redis: add a corpus, status, collect
  worker     take jobs from a rin queue and extract (on any machine that reaches Redis)

environment
  RIN_BACKEND   wasm (default) | cpu | tensorflow (needs @tensorflow/tfjs-node installed)
  RIN_ENGINE    auto (default: onnxruntime-node when installed, else tfjs) | onnx | tfjs (= wasm):
                what runs the model in extract --jsonl and serve
`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(help);
    return cmd ? 0 : 1;
  }
  if (cmd === '--version') {
    const { nativeStatus } = await import('../engine/addon.ts'); // no tfjs: stays fast
    const { blas, reason } = nativeStatus();
    const engine = await (await import('../onnx/runner.ts')).ortStatus();
    process.stdout.write(`${codeVersion()}\nnative kernels: ${blas ? `on (${blas})` : `off: ${reason}`}\nengine: ${engine.engine === 'onnx' ? 'onnxruntime-node' : `tfjs: ${engine.why}`}\n`);
    return 0;
  }
  const load = Object.hasOwn(commands, cmd) ? commands[cmd] : undefined;
  if (!load) {
    process.stderr.write(`rin: unknown command "${cmd}"\n\n${help}`);
    return 2;
  }
  try {
    const run = await load();
    await run(rest);
    return 0;
  } catch (e) {
    if (e instanceof UserError) {
      process.stderr.write(`rin ${cmd}: error: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`rin ${cmd}: internal error: ${(e as Error).message}\n${process.env.RIN_DEBUG ? (e as Error).stack + '\n' : '(set RIN_DEBUG=1 for the stack trace)\n'}`);
    return 1;
  }
}

// A reader that stops early (rin extract ... | head -n 1) closes the pipe: that ends rin quietly,
// with success, as it ends other command-line tools.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });

process.exitCode = await main(process.argv.slice(2));
