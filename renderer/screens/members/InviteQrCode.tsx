import QRCode from "qrcode";
import { useEffect, useState } from "react";

/**
 * The invite as a QR code for a phone or a second screen. The SVG is made
 * here from the invite text and shown as an image, so nothing in the text
 * can ever become markup in this page.
 */
export function InviteQrCode({ text }: { text: string }) {
  const [image, setImage] = useState<{ src: string } | { problem: string } | undefined>();
  useEffect(() => {
    let current = true;
    QRCode.toString(text, { type: "svg", errorCorrectionLevel: "L", margin: 2 })
      .then((svg) => current && setImage({ src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}` }))
      .catch(() => current && setImage({ problem: "This invite is too long for a QR code: copy the text instead." }));
    return () => {
      current = false;
    };
  }, [text]);
  if (!image) return null;
  if ("problem" in image) return <p className="muted">{image.problem}</p>;
  return <img className="invite-qr" src={image.src} alt="QR code of the invite" width={240} height={240} />;
}
