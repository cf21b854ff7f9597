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
        section form{margin:.5rem 0}li:target{background:#fff7d6}pre.rejected{opacity:.55;text-decoration:line-through}
        """

    static let js = """
        'use strict';
        const draftButton = document.getElementById('draft');
        const esc = s => s.replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
        const plain = s => s.replace(/^#+\\s*/gm, '').replace(/\\*\\*|__|`/g, '');  // KB Markdown shown as text
        let draftId = null;
        function renderDraft(d) {
          const lines = d.verification.sentences.map(s => {
            const cites = s.citations.map(n => `<a class="cite" href="#source-${n}">[${n}]</a>`).join('');
            const cls = s.supported === false ? ' class="unsupported" title="not supported by the cited source"' : '';
            return `<span${cls}>${esc(s.text)}</span> ${cites}`;
          });
          const kind = d.kind === 'extractive' ? `<p class="muted">Extractive draft (${esc(d.fallbackReason || 'fallback')}).</p>` : '';
          document.getElementById('final').innerHTML = kind + '<p>' + lines.join('<br>') + '</p>';
          document.getElementById('sources').innerHTML = d.sources.map(s =>
            `<li id="source-${s.number}"><strong>${esc(s.title)}</strong> <span class="muted">${esc(s.reference)}</span><br>${esc(plain(s.text))}</li>`).join('');
          const stream = document.getElementById('stream');
          stream.classList.toggle('rejected', d.kind === 'extractive');
          stream.title = d.kind === 'extractive' ? 'The model\\'s text, rejected by the citation check' : '';
          document.getElementById('edited').value = d.text;
          document.getElementById('feedback').hidden = false;
          draftId = d.id;
        }
        async function draft() {
          draftButton.disabled = true;
          document.getElementById('draft-output').hidden = false;
          const stream = document.getElementById('stream');
          stream.textContent = '';
          stream.classList.remove('rejected');
          try {
            const response = await fetch('/v1/drafts?stream=true', {method: 'POST', credentials: 'same-origin',
              headers: {'Content-Type': 'application/json'}, body: JSON.stringify({ticketID: draftButton.dataset.ticket})});
            if (!response.ok) {
              const body = await response.json().catch(() => ({}));
              const message = (body.error && body.error.message) || response.statusText;
              stream.textContent = response.status === 401 ? 'Your session has ended: sign in again.' : `Drafting failed: ${message}`;
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
                if (event === 'token') stream.textContent += data.text;
                if (event === 'draft') renderDraft(data);
                if (event === 'error') stream.textContent += '\\n[' + data.message + ']';
              }
            }
          } catch (error) {
            stream.textContent += `\\nThe server did not answer (${error.message}): try again.`;
          } finally {
            draftButton.disabled = false;
          }
        }
        async function feedback(body) {
          const response = await fetch(`/v1/drafts/${draftId}/feedback`, {method: 'POST', credentials: 'same-origin',
            headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
          const result = await response.json();
          document.getElementById('feedback-status').textContent = response.ok ? `Recorded: ${result.verdict}` : result.error.message;
        }
        if (draftButton) {
          draftButton.addEventListener('click', draft);
          document.getElementById('accept').addEventListener('click', () => feedback({verdict: 'accepted'}));
          document.getElementById('save-edit').addEventListener('click', () =>
            feedback({verdict: 'edited', finalText: document.getElementById('edited').value}));
          document.getElementById('reject').addEventListener('click', () =>
            feedback({verdict: 'rejected', reason: document.getElementById('reason').value}));
        }
        """
}
