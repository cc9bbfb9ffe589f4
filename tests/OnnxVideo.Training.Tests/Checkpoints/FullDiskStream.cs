namespace OnnxVideo.Training.Tests.Checkpoints;

/// <summary>
/// Passes writes through until <paramref name="capacity"/> bytes, writes what still fits of the write that crosses it
/// and throws like a full disk (ENOSPC), as does every later write or flush.
/// </summary>
internal sealed class FullDiskStream(Stream inner, long capacity) : Stream
{
    private long _written;

    public bool Filled { get; private set; }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var fits = (int)Math.Min(buffer.Length, capacity - _written);
        inner.Write(buffer[..fits]);
        _written += fits;
        if (fits < buffer.Length)
        {
            Filled = true;
            throw new IOException("No space left on device");
        }
    }

    public override void Flush()
    {
        inner.Flush();
        if (Filled)
        {
            throw new IOException("No space left on device");
        }
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _written; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
