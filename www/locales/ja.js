// 日本語のテキスト（キーは en.js と同じ。i18n.js を参照）。{name} は差し込み、**太字**、*強調*。
export default {
  'app.title': 'ドロップアウトと top-k：二つのランダムさ',
  'app.loading': '読み込み中…',
  'app.ready': '準備ができました。',
  'app.cannotStart': '起動できませんでした。',
  'app.loadingWasm': 'WebAssembly モジュールを読み込んでいます…',
  'app.loadingData': '英語のテキストと学習済みの重みを読み込んでいます…',
  'app.reset': 'リセット',
  'app.dismiss': '閉じる',
  'app.language': '言語',
  'app.error': '問題が起きました：{message}',
  'app.wasmFailed': 'WebAssembly パッケージ（pkg/dropout_topk.js）を読み込めませんでした：{message}。「make pkg」でビルドしてから「リセット」を押してください。',
  'app.textFailed': '英語のテキスト（corpus/en.txt）を読み込めませんでした（{message}）。学習するビューでは、組み込みの短い文章を代わりに使います。',
  'app.weightsFailed': '学習済みの重み（model.bpk）を読み込めませんでした：{message}。top-k のビューは未学習のモデルを使います。ほかのビューは動きます。「リセット」でもう一度試します。',
  'app.linkProblems': 'リンクの設定のうち、使われなかったものがあります：{problems}。',
  'model.shipped': '同梱の英語モデル',
  'model.untrained': '未学習のモデル（同梱の重みを読み込めませんでした）',
};
