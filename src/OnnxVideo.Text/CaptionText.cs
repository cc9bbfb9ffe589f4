using System.Text;

namespace OnnxVideo.Text;

/// <summary>
/// The one normal form of a caption, used by tokenizer training, dataset reading and metrics alike: lower case
/// (invariant culture), every run of white space one space, no leading or trailing space.
/// </summary>
internal static class CaptionText
{
    public static string Normalize(string caption)
    {
        ArgumentNullException.ThrowIfNull(caption);
        var text = new StringBuilder(caption.Length);
        var pendingSpace = false;
        foreach (var c in caption)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = text.Length > 0;
                continue;
            }
            if (pendingSpace)
            {
                text.Append(' ');
                pendingSpace = false;
            }
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }

    /// <summary>The words of the normalised caption (split at its single spaces); none for an empty caption.</summary>
    public static string[] Words(string caption) =>
        Normalize(caption).Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
