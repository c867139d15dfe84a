'use client';

/** Saves text as a file from the browser (no server round trip): the content is already on the page. */
export function DownloadTextButton({ text, filename, label, mimeType = 'text/plain', testId }: { text: string; filename: string; label?: string; mimeType?: string; testId?: string }) {
  function download() {
    const url = URL.createObjectURL(new Blob([text], { type: `${mimeType};charset=utf-8` }));
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = filename;
    document.body.appendChild(anchor);
    anchor.click();
    anchor.remove();
    // Revoked on the next tick: the download has started by then.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
  return (
    <button type="button" className="btn btn-sm" onClick={download} data-testid={testId}>
      {label ?? `Download ${filename}`}
    </button>
  );
}
