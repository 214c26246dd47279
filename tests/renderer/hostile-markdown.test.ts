import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { beforeAll, describe, expect, it } from "vitest";
import { ItemBody } from "../../renderer/screens/knowledge/ItemBody";

/**
 * A member (or a peer writing into the inventory document) puts Markdown in
 * an item that tries to run script, load something remote or restyle the
 * app. What every other member's page renders from it is read here, as HTML.
 * The Chromium e2e (tests/e2e/hostile-markdown.test.ts) shows the same in a
 * real page with its Content Security Policy.
 */
const ATTACKS: Record<string, string> = {
  "a script tag": "Harvest notes\n\n<script>window.pwned = 1</script>",
  "an image with an error handler": '<img src="x" onerror="window.pwned = 1">',
  "an inline event handler on a link": '<a href="https://example.org" onclick="window.pwned = 1">click</a>',
  "a javascript: link": "[open the guide](javascript:window.pwned=1)",
  "a javascript: link in disguise": "[open](JaVaScRiPt:window.pwned=1) and [again](java\tscript:alert(1)) and [entity](&#106;avascript:alert(1))",
  "a javascript: autolink": "<javascript:window.pwned=1>",
  "a reference-style javascript: link": "[the guide][g]\n\n[g]: javascript:window.pwned=1",
  "a data: link": "[page](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  "a remote image (a tracking pixel)": "![harvest](https://tracker.example/pixel.png?who=reader)",
  "a reference-style remote image": "![logo][l]\n\n[l]: https://tracker.example/logo.png",
  "a style block": "<style>body { display: none }</style>",
  "an inline style": '<p style="position:fixed;inset:0;background:red">cover</p>',
  "an iframe": '<iframe src="https://evil.example"></iframe>',
  "an svg with onload": '<svg onload="window.pwned = 1"><circle r="1"/></svg>',
  "a form": '<form action="https://evil.example"><input name="key"></form>',
  "a meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example">',
  "a link with credentials": "[bank](https://bank.example@evil.example/login)",
};

const render = (markdown: string) => renderToStaticMarkup(createElement(ItemBody, { markdown }));

describe("an item's Markdown written by a hostile member", () => {
  beforeAll(() => {
    // The page in browser mode: no desktop preload.
    (globalThis as { window?: object }).window ??= {};
  });

  for (const [attack, markdown] of Object.entries(ATTACKS)) {
    it(`renders ${attack} as nothing that runs, loads or styles`, () => {
      const html = render(markdown);
      expect(html).not.toMatch(/<(script|img|style|iframe|svg|form|input|meta|object|embed|link)\b/i);
      expect(html).not.toMatch(/\son[a-z]+=/i);
      expect(html).not.toMatch(/\s(style|src|srcset|action|formaction)=/i);
      const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]!);
      for (const href of hrefs) expect(href).toMatch(/^https?:\/\/[^@]*$/);
    });
  }

  it("keeps ordinary Markdown: emphasis, lists, code, a quoted line and a web link that asks before it opens", () => {
    const html = render(
      "# Compost\n\nTurn it **weekly**, keep it *damp*:\n\n- greens\n- browns\n\n> from Ada\n\n`pH 7`, see [the guide](https://example.org/compost).",
    );
    expect(html).toContain('<h4 class="knowledge-item__heading">Compost</h4>');
    expect(html).toContain("<strong>weekly</strong>");
    expect(html).toContain("<em>damp</em>");
    expect(html).toContain("<li>greens</li>");
    expect(html).toContain("<blockquote>");
    expect(html).toContain("<code>pH 7</code>");
    expect(html).toMatch(/<a class="knowledge-item__link" href="https:\/\/example.org\/compost"[^>]*>the guide<\/a>/);
  });

  it("names a remote image instead of loading it", () => {
    expect(render("![harvest](https://tracker.example/pixel.png)")).toContain(
      '[image: harvest<span class="mono">, not loaded: https://tracker.example/pixel.png</span>]',
    );
  });

  it("shows raw HTML as nothing at all, keeping the words around it", () => {
    const html = render('Before <b onclick="x()">bold</b> after');
    expect(html).toContain("Before");
    expect(html).toContain("after");
    expect(html).not.toContain("<b");
  });
});
