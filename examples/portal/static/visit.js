// Counts this page view at the gateway (recordVisit), from the reader's browser: the portal server
// renders the same page for every reader, so that the page can be cached, and the browser says who
// is reading. RECORD_VISIT, the mutation's text, is put above this file by the portal server.
(function () {
  var script = document.currentScript;
  var endpoint = script.getAttribute('data-endpoint');
  var unitCode = script.getAttribute('data-unit');
  var articleId = script.getAttribute('data-article');

  function newVisitorId() {
    if (window.crypto.randomUUID) return window.crypto.randomUUID();
    // randomUUID exists only on https and localhost pages; a portal served over plain http gets random hex.
    return Array.prototype.map.call(window.crypto.getRandomValues(new Uint8Array(16)), function (byte) {
      return (byte + 256).toString(16).slice(1);
    }).join('');
  }

  // One random id per browser, so that the gateway can tell readers apart ("Trực tuyến") and a
  // reload is not counted twice; it says nothing about who the reader is.
  function visitorId() {
    var key = 'lienthong.visitorId';
    try {
      var id = window.localStorage.getItem(key);
      if (!id) {
        id = newVisitorId();
        window.localStorage.setItem(key, id);
      }
      return id;
    } catch (storageRefused) {
      return newVisitorId();
    }
  }

  function recordVisit(visitor, article) {
    return fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: RECORD_VISIT, variables: { unitCode: unitCode, articleId: article, visitorId: visitor } }),
      credentials: 'omit',
      // The visit is still sent when the reader leaves the page at once.
      keepalive: true,
    }).then(function (response) {
      return response.json();
    });
  }

  var visitor = visitorId();
  recordVisit(visitor, articleId).then(function (answer) {
    // An article reached through "Bài liên quan" may be shown on other portals only; the gateway
    // then refuses the whole call, so the visit to this portal is counted without the article.
    var articleRefused = articleId && answer.errors && answer.errors.some(function (error) {
      return error.extensions && error.extensions.field === 'articleId';
    });
    if (articleRefused) return recordVisit(visitor, null);
  }).catch(function () {
    // A visit that could not be counted is no concern of the reader's.
  });
})();
