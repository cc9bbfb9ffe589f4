using System.Buffers.Binary;
using System.Text;

namespace OnnxVideo.Media;

/// <summary>
/// The frame count and average frame rate of one video track of an MP4/MOV file, read from its sample tables as
/// ffmpeg's mov demuxer reads them (the count is stsz's, which ffprobe reports as nb_frames; the rate is the timescale
/// × stts' sample count ÷ stts' total duration, with the demuxer's correction of an overlong last sample). This is
/// what a test-time read needs on top of the decoding ffmpeg's own dump (<see cref="DecoderInputDump"/>) to place its
/// clips as exactly as with ffprobe, without a second process.
/// <para>Only the header boxes on the path moov/trak/mdia/minf/stbl are read, each bounded by its parent and the file;
/// anything else — fragmented files, a moov over <see cref="MaxMovieBytes"/>, tables that disagree, a box that does not
/// fit — gives null, and the caller probes with ffprobe.</para>
/// </summary>
internal sealed record Mp4VideoTrack(long FrameCount, double AverageFrameRate)
{
    public const int MaxMovieBytes = 64 << 20;
    private const int MaxTopLevelBoxes = 4096;

    /// <summary>Track <paramref name="trackIndex"/> (ffmpeg's stream index: traks in file order) of the file at
    /// <paramref name="fullPath"/>, when it is a video track with consistent sample tables; otherwise null.</summary>
    public static Mp4VideoTrack? Read(string fullPath, int trackIndex) =>
        ReadMovie(fullPath) is { } movie ? FromMovie(movie, trackIndex) : null;

    /// <summary>The payload of the file's top-level moov box; null when it has none that can be read.</summary>
    public static byte[]? ReadMovie(string fullPath)
    {
        try
        {
            using var file = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            return ReadMovie(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static byte[]? ReadMovie(FileStream file)
    {
        var header = new byte[16];
        long position = 0;
        for (var i = 0; i < MaxTopLevelBoxes && position + 8 <= file.Length; i++)
        {
            file.Position = position;
            var read = file.ReadAtLeast(header, 16, throwOnEndOfStream: false);
            var remaining = file.Length - position;
            var (size, headerLength) = BoxSize(header.AsSpan(0, read), remaining);
            if (read < 8 || size < headerLength || size > remaining)
            {
                return null;
            }
            if (Type(header) == "moov")
            {
                var length = size - headerLength;
                if (length > MaxMovieBytes)
                {
                    return null;
                }
                var movie = new byte[length];
                file.Position = position + headerLength;
                return file.ReadAtLeast(movie, movie.Length, throwOnEndOfStream: false) == movie.Length ? movie : null;
            }
            position += size;
        }
        return null;
    }

    /// <summary>Track <paramref name="trackIndex"/> of a moov payload (<see cref="ReadMovie(string)"/>), or null.</summary>
    public static Mp4VideoTrack? FromMovie(ReadOnlySpan<byte> movie, int trackIndex)
    {
        if (Child(movie, "mvex", 0) is not null)
        {
            return null;
        }
        if (Child(movie, "trak", trackIndex) is not { } track
            || Child(movie[track], "mdia") is not { } media)
        {
            return null;
        }
        var mdia = movie[track][media];
        if (Child(mdia, "hdlr") is not { } handler || Child(mdia, "mdhd") is not { } mediaHeader
            || Child(mdia, "minf") is not { } info)
        {
            return null;
        }
        var hdlr = mdia[handler];
        if (hdlr.Length < 12 || Encoding.ASCII.GetString(hdlr[8..12]) != "vide")
        {
            return null;
        }
        var minf = mdia[info];
        var timescale = TimeScale(mdia[mediaHeader]);
        if (timescale is not > 0 || Child(minf, "stbl") is not { } tables)
        {
            return null;
        }
        var stbl = minf[tables];
        if (Child(stbl, "stts") is not { } timing || Child(stbl, "stts", 1) is not null || Child(stbl, "stsz") is not { } sizes
            || TimeToSample(stbl[timing]) is not { } stts || SampleCount(stbl[sizes]) is not { } count
            || count != stts.Count || count <= 0 || stts.Duration <= 0)
        {
            return null;
        }
        return new Mp4VideoTrack(count, (double)timescale.Value * stts.Count / stts.Duration);
    }

    /// <summary>mdhd's timescale (version 0: 32-bit times; version 1: 64-bit).</summary>
    private static long? TimeScale(ReadOnlySpan<byte> mdhd)
    {
        var at = mdhd.Length > 0 && mdhd[0] == 1 ? 20 : 12;
        return mdhd.Length >= at + 4 ? BinaryPrimitives.ReadUInt32BigEndian(mdhd[at..]) : null;
    }

    /// <summary>stts' sample count and duration, summed as the demuxer sums them: counts and durations are signed
    /// 32-bit (a negative count is refused), and a last entry of one sample more than ten times the running average
    /// (after more than 100 samples) counts as one average sample.</summary>
    private static (long Count, long Duration)? TimeToSample(ReadOnlySpan<byte> stts)
    {
        if (stts.Length < 8)
        {
            return null;
        }
        var entries = BinaryPrimitives.ReadUInt32BigEndian(stts[4..]);
        if (entries > (stts.Length - 8) / 8)
        {
            return null;
        }
        long count = 0, duration = 0;
        for (var i = 0; i < entries; i++)
        {
            var entry = stts.Slice(8 + 8 * i, 8);
            long samples = BinaryPrimitives.ReadInt32BigEndian(entry);
            long delta = BinaryPrimitives.ReadInt32BigEndian(entry[4..]);
            if (samples < 0)
            {
                return null;
            }
            if (i + 1 == entries && i > 0 && samples == 1 && count > 100 && delta / 10 > duration / count)
            {
                delta = duration / count;
            }
            duration += delta * samples;
            count += samples;
        }
        return (count, duration);
    }

    /// <summary>stsz' sample count.</summary>
    private static long? SampleCount(ReadOnlySpan<byte> stsz) =>
        stsz.Length >= 12 ? BinaryPrimitives.ReadUInt32BigEndian(stsz[8..]) : null;

    /// <summary>The payload range of the <paramref name="occurrence"/>-th child box of type <paramref name="type"/>
    /// within <paramref name="parent"/>; null when absent or when a box does not fit its parent.</summary>
    private static Range? Child(ReadOnlySpan<byte> parent, string type, int occurrence = 0)
    {
        var position = 0;
        while (position + 8 <= parent.Length)
        {
            var box = parent[position..];
            var (size, headerLength) = BoxSize(box, box.Length);
            if (size < headerLength || size > box.Length)
            {
                return null;
            }
            if (Type(box) == type && occurrence-- == 0)
            {
                return new Range(position + headerLength, position + (int)size);
            }
            position += (int)size;
        }
        return null;
    }

    /// <summary>A box's total size and header length from its header (32-bit size, 64-bit "largesize" after size 1,
    /// size 0 = to the end of <paramref name="available"/>); a size of −1 when the header is cut.</summary>
    private static (long Size, int HeaderLength) BoxSize(ReadOnlySpan<byte> header, long available)
    {
        if (header.Length < 8)
        {
            return (-1, 8);
        }
        long size = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (size == 1)
        {
            return header.Length >= 16 ? ((long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(header[8..]), (ulong)long.MaxValue), 16)
                : (-1, 16);
        }
        return (size == 0 ? available : size, 8);
    }

    private static string Type(ReadOnlySpan<byte> header) => Encoding.ASCII.GetString(header.Slice(4, 4));
}
