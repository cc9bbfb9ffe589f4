using System.Collections.Concurrent;

namespace OnnxVideo.Media;

/// <summary>
/// Remembers the probe of each video file, keyed by full path and checked against the file's size and modification
/// time, so reading the same files again (every training epoch) starts one ffmpeg process per clip instead of two.
/// A changed file is probed again. Bounded: past <see cref="Capacity"/> files, new probes are not remembered.
/// Probes read from a decoder's dump (<see cref="VideoProbe.FromDecoderDump"/>) serve training reads only; a read that
/// needs the exact probe replaces them with ffprobe's.
/// </summary>
internal sealed class ProbeCache
{
    public const int Capacity = 1_000_000;

    private readonly ConcurrentDictionary<string, (long Length, DateTime WrittenUtc, VideoProbe Probe)> _probes = new(StringComparer.Ordinal);

    public async Task<VideoProbe> GetOrProbeAsync(string path, MediaOptions options, CancellationToken ct, bool acceptDump = false)
    {
        if (TryGet(path, acceptDump) is { } cached)
        {
            return cached;
        }
        var probe = await FfprobeRunner.ProbeAsync(path, options, ct).ConfigureAwait(false);
        Remember(path, probe);
        return probe;
    }

    /// <summary>The remembered probe of <paramref name="path"/> if the file is unchanged (a decoder-dump probe only
    /// with <paramref name="acceptDump"/>); null otherwise.</summary>
    public VideoProbe? TryGet(string path, bool acceptDump)
    {
        var key = Path.GetFullPath(path);
        var (length, written) = Stamp(key);
        return _probes.TryGetValue(key, out var cached) && cached.Length == length && cached.WrittenUtc == written
               && (acceptDump || !cached.Probe.FromDecoderDump)
            ? cached.Probe
            : null;
    }

    public void Remember(string path, VideoProbe probe)
    {
        var key = Path.GetFullPath(path);
        var (length, written) = Stamp(key);
        if (length >= 0 && (_probes.Count < Capacity || _probes.ContainsKey(key)))
        {
            _probes[key] = (length, written, probe);
        }
    }

    private static (long Length, DateTime WrittenUtc) Stamp(string key)
    {
        var file = new FileInfo(key);
        return file.Exists ? (file.Length, file.LastWriteTimeUtc) : (-1, default);
    }
}
