// English texts of the page, by key (see i18n.js). {name} is filled in; **bold**, *emphasis*.
export default {
  'app.title': 'Dropout and top-k: two kinds of randomness',
  'app.loading': 'Loading…',
  'app.ready': 'Ready.',
  'app.cannotStart': 'Could not start.',
  'app.loadingWasm': 'Loading the WebAssembly module…',
  'app.loadingData': 'Loading the English text and the shipped weights…',
  'app.reset': 'Reset',
  'app.dismiss': 'Dismiss',
  'app.language': 'Language',
  'app.error': 'Something went wrong: {message}',
  'app.wasmFailed': 'The WebAssembly package (pkg/dropout_topk.js) could not be loaded: {message}. Build it with “make pkg”, then press Reset.',
  'app.textFailed': 'The English text (corpus/en.txt) could not be loaded ({message}); the views that train use a short built-in paragraph instead.',
  'app.weightsFailed': 'The shipped weights (model.bpk) could not be loaded: {message}. The top-k view uses an untrained model instead; the other views work. Reset tries again.',
  'app.linkProblems': 'Some settings in the link were not used: {problems}.',
  'model.shipped': 'The shipped English model',
  'model.untrained': 'An untrained model (the shipped weights could not be loaded)',
};
