// Fits every demo iframe on a host page to its content: a classic script (a plain <script src>,
// no module), so any course site, LMS page or notebook output can use it. Each embed.html posts
// {type: 'dropout-topk:height', height} when its height changes; the message is matched to its
// iframe by the window that sent it, so any number of demos on one page each get their own height.
(function () {
  'use strict';
  var HEIGHT_MESSAGE = 'dropout-topk:height';
  if (window.dropoutTopKResize) return; // loaded twice: one listener is enough
  window.dropoutTopKResize = true;
  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || data.type !== HEIGHT_MESSAGE) return;
    var height = Number(data.height);
    if (!isFinite(height) || height <= 0 || height > 100000) return; // not a height: ignored
    var frames = document.getElementsByTagName('iframe');
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.ceil(height) + 'px';
        return;
      }
    }
  });
})();
