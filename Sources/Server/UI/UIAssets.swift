/// The UI's stylesheet and script, served from /ui (the content security policy allows nothing else).
enum UIAssets {
    static let css = """
        body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f}header{display:flex;gap:1.5rem;align-items:center;
        padding:.6rem 1.5rem;background:#1f2a44;color:#fff}nav{display:flex;gap:1rem;align-items:center}nav a{color:#cfe0ff}
        nav form{margin:0}main{max-width:72rem;margin:1.5rem auto;padding:0 1.5rem}table{border-collapse:collapse;width:100%}
        th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e5e5e5}.muted{color:#6b6b6b}.error{color:#b00020}
        .risk-breached .sla{color:#b00020;font-weight:600}.risk-at_risk .sla{color:#b36b00;font-weight:600}.abstain{color:#b36b00}
        blockquote{background:#f5f6f8;margin:0;padding:.8rem 1rem;border-left:3px solid #1f2a44;white-space:pre-wrap}
        pre{white-space:pre-wrap;background:#f5f6f8;padding:.6rem}.unsupported{background:#ffe3e3}.cite{font-size:.8em}
        svg.bars rect{fill:#3b6fd1}svg.bars text{font-size:12px}textarea{width:100%}#feedback button{margin:.3rem .3rem .3rem 0}
        form.inline{display:inline;margin-right:.3rem}.notice{background:#eef4ff;padding:.6rem 1rem;border-left:3px solid #3b6fd1}
        section form{margin:.5rem 0}li:target{background:#fff7d6}p.path{font-weight:500}#status{color:#6b6b6b;min-height:1.4em}
        form.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.5rem 0 1rem}form.filters label{display:flex;flex-direction:column;font-size:.85em}
        .pager{display:flex;gap:1rem;margin:1rem 0}.answer-body{white-space:pre-wrap}
        """

    static let js = """
        'use strict';
        const draftButton = document.getElementById('draft');
        // The session's CSRF token: the API takes the session cookie only with it.
        const csrfToken = (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
        const apiHeaders = {'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken};
        const esc = s => s.replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
        const plain = s => s.replace(/^#+\\s*/gm, '').replace(/\\*\\*|__|`/g, '');  // KB Markdown shown as text
        const unCited = s => s.replace(/\\s*\\[\\d+(?:\\s*,\\s*\\d+)*\\]/g, '');
        const stages = {matching_answers: 'Matching the approved answers…', retrieving: 'Searching the knowledge base…',
          composing: 'Composing from the best passage…', model_writing: 'The model is writing', verifying: 'Checking every citation…'};
        let draftId = null;
        function renderDraft(d) {
          const lines = d.verification.sentences.map(s => {
            const cites = s.citations.map(n => `<a class="cite" href="#source-${n}">[${n}]</a>`).join('');
            const cls = s.supported === false ? ' class="unsupported" title="not supported by the cited source"' : '';
            return `<span${cls}>${esc(s.text)}</span> ${cites}`;
          });
          let path = '';
          if (d.kind === 'answer') {
            path = `<p class="path">Approved answer <strong>${esc(d.answer.title)}</strong> <span class="muted">(similarity ${d.answer.score.toFixed(2)}, threshold ${d.answer.threshold.toFixed(2)})</span></p>`;
            if (d.answer.unfilled.length) path += `<p class="notice">To fill in before sending: ${d.answer.unfilled.map(esc).join(', ')}</p>`;
          } else if (d.kind === 'composed') {
            path = '<p class="path">Composed from the knowledge base' + (d.fallbackReason ? ` <span class="muted">(the model's draft was not used: ${esc(d.fallbackReason)})</span>` : '') + '</p>';
          } else {
            path = `<p class="path">Written by ${esc(d.model || 'the model')} from the sources, every citation checked</p>`;
          }
          const withheld = (d.withheld || []).length ? '<p class="notice">Not stated to this customer: ' +
            d.withheld.map(w => `“${esc(w.text)}” (${esc(w.reason)})`).join('; ') + '</p>' : '';
          document.getElementById('final').innerHTML = path + '<p>' + lines.join('<br>') + '</p>' + withheld;
          document.getElementById('sources').innerHTML = d.sources.map(s =>
            `<li id="source-${s.number}"><strong>${esc(s.title)}</strong> <span class="muted">${esc(s.kind)} ${esc(s.reference)}</span><br>${esc(plain(s.text))}</li>`).join('');
          document.getElementById('status').textContent = '';
          document.getElementById('edited').value = unCited(d.text);
          document.getElementById('feedback').hidden = false;
          document.getElementById('propose').hidden = true;
          draftId = d.id;
        }
        async function draft() {
          draftButton.disabled = true;
          document.getElementById('draft-output').hidden = false;
          const status = document.getElementById('status');
          status.textContent = 'Drafting…';
          document.getElementById('final').innerHTML = '';
          try {
            const response = await fetch('/v1/drafts?stream=true', {method: 'POST', credentials: 'same-origin',
              headers: apiHeaders, body: JSON.stringify({ticketID: draftButton.dataset.ticket})});
            if (!response.ok) {
              const body = await response.json().catch(() => ({}));
              const message = (body.error && body.error.message) || response.statusText;
              status.textContent = response.status === 401 ? 'Your session has ended: sign in again.' : `Drafting failed: ${message}`;
              return;
            }
            const reader = response.body.getReader();
            const decoder = new TextDecoder();
            let buffer = '';
            for (;;) {
              const {value, done} = await reader.read();
              if (done) break;
              buffer += decoder.decode(value, {stream: true});
              let end;
              while ((end = buffer.indexOf('\\n\\n')) >= 0) {
                const block = buffer.slice(0, end); buffer = buffer.slice(end + 2);
                const event = (block.match(/^event: (.*)$/m) || [])[1];
                const data = JSON.parse((block.match(/^data: (.*)$/m) || [])[1] || '{}');
                if (event === 'status') status.textContent = (stages[data.stage] || data.stage) + (data.pieces ? ` (${data.pieces})…` : '');
                if (event === 'draft') renderDraft(data);
                if (event === 'error') status.textContent = 'Drafting failed: ' + data.message;
              }
            }
          } catch (error) {
            status.textContent = `The server did not answer (${error.message}): try again.`;
          } finally {
            draftButton.disabled = false;
          }
        }
        async function feedback(body) {
          const response = await fetch(`/v1/drafts/${draftId}/feedback`, {method: 'POST', credentials: 'same-origin',
            headers: apiHeaders, body: JSON.stringify(body)});
          const result = await response.json();
          document.getElementById('feedback-status').textContent = response.ok ? `Recorded: ${result.verdict}` : result.error.message;
          if (response.ok && body.verdict === 'edited') document.getElementById('propose').hidden = false;
        }
        async function propose() {
          const response = await fetch('/v1/answers', {method: 'POST', credentials: 'same-origin',
            headers: apiHeaders, body: JSON.stringify({fromDraft: draftId})});
          const result = await response.json();
          document.getElementById('feedback-status').textContent = response.ok
            ? `Proposed as a saved answer (${result.id}): a lead reviews it on the Answers page.` : result.error.message;
          document.getElementById('propose').hidden = response.ok;
        }
        if (draftButton) {
          draftButton.addEventListener('click', draft);
          document.getElementById('accept').addEventListener('click', () => feedback({verdict: 'accepted'}));
          document.getElementById('save-edit').addEventListener('click', () =>
            feedback({verdict: 'edited', finalText: document.getElementById('edited').value}));
          document.getElementById('reject').addEventListener('click', () =>
            feedback({verdict: 'rejected', reason: document.getElementById('reason').value}));
          document.getElementById('propose').addEventListener('click', propose);
        }
        """
}
