using System.Text;

namespace OnnxVideo.Media.Ffmpeg;

/// <summary>Keeps only the last <c>capacity</c> characters written to it.</summary>
internal sealed class BoundedTextTail(int capacity)
{
    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();

    public void Append(ReadOnlySpan<char> chunk)
    {
        lock (_gate)
        {
            if (chunk.Length >= capacity)
            {
                _text.Clear();
                _text.Append(chunk[^capacity..]);
                return;
            }
            _text.Append(chunk);
            if (_text.Length > capacity)
            {
                _text.Remove(0, _text.Length - capacity);
            }
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return _text.ToString();
        }
    }
}
