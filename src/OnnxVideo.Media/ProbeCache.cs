using System.Collections.Concurrent;

namespace OnnxVideo.Media;

/// <summary>
/// Remembers the probe of each video file, keyed by full path and checked against the file's size and modification
/// time, so reading the same files again (every training epoch) starts one ffmpeg process per clip instead of two.
/// A changed file is probed again. Bounded: past <see cref="Capacity"/> files, new probes are not remembered.
/// </summary>
internal sealed class ProbeCache
{
    public const int Capacity = 1_000_000;

    private readonly ConcurrentDictionary<string, (long Length, DateTime WrittenUtc, VideoProbe Probe)> _probes = new(StringComparer.Ordinal);

    public async Task<VideoProbe> GetOrProbeAsync(string path, MediaOptions options, CancellationToken ct)
    {
        var key = Path.GetFullPath(path);
        var file = new FileInfo(key);
        var (length, written) = file.Exists ? (file.Length, file.LastWriteTimeUtc) : (-1, default);
        if (_probes.TryGetValue(key, out var cached) && cached.Length == length && cached.WrittenUtc == written)
        {
            return cached.Probe;
        }
        var probe = await FfprobeRunner.ProbeAsync(path, options, ct).ConfigureAwait(false);
        if (length >= 0 && (_probes.Count < Capacity || _probes.ContainsKey(key)))
        {
            _probes[key] = (length, written, probe);
        }
        return probe;
    }
}
