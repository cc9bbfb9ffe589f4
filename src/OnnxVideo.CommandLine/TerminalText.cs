using System.Globalization;
using System.Text;

namespace OnnxVideo.CommandLine;

/// <summary>
/// Makes untrusted text (labels and metadata from a model, file names, error messages) safe to print to a terminal:
/// control characters — ESC sequences that retitle the window or clear the screen, BEL, backspace, carriage return,
/// newlines, C1 controls — and bidirectional overrides are shown as visible escapes (<c>\x1b</c>, <c>\u202e</c>).
/// Used for all human output; JSON output is escaped by the JSON writer instead.
/// </summary>
internal static class TerminalText
{
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Any(IsUnsafe))
        {
            return text ?? "";
        }
        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (!IsUnsafe(c))
            {
                escaped.Append(c);
            }
            else if (c <= 0xFF)
            {
                escaped.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            }
            else
            {
                escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
        }
        return escaped.ToString();
    }

    private static bool IsUnsafe(char c) =>
        char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';
}
