using System.Text;

namespace OnnxVideo.Text;

/// <summary>
/// The pre-tokenisation of byte-level BPE: the UTF-8 bytes of a text cut before every space, so a word carries its
/// leading space (" red") and merges never cross a word boundary. Concatenating the chunks gives the bytes back.
/// </summary>
internal static class ByteChunks
{
    public static List<byte[]> Of(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var chunks = new List<byte[]>();
        var start = 0;
        for (var i = 1; i <= bytes.Length; i++)
        {
            if (i == bytes.Length || bytes[i] == (byte)' ')
            {
                chunks.Add(bytes[start..i]);
                start = i;
            }
        }
        return chunks;
    }
}
