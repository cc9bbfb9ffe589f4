using System.Buffers;
using System.Text.Json;
using OnnxVideo.Media.Ffmpeg;

namespace OnnxVideo.Media;

/// <summary>
/// Reads frame-dump folders (SSv2/UCF101 style jpg/png sequences). The frame list is built by this code from the
/// folder's own directory listing (never from a list file in the input); chosen frames are linked under generated
/// names in a private temporary folder and decoded by one ffmpeg image2 pass with the same filter chain as videos.
/// </summary>
public sealed class FrameFolderReader
{
    private static readonly string[] Extensions = ["jpg", "jpeg", "png"];
    private readonly MediaOptions _options;

    public FrameFolderReader(MediaOptions? options = null)
    {
        _options = options ?? MediaOptions.Default;
        _options.Validate();
    }

    /// <summary>Lists the frames of <paramref name="folder"/> and probes the first one's size.</summary>
    public async Task<FrameFolder> OpenAsync(string folder, CancellationToken ct = default)
    {
        var full = System.IO.Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            throw InputFile.Missing(folder, "frame folder not found");
        }
        var files = new DirectoryInfo(full).EnumerateFiles()
            .Where(f => Extensions.Contains(f.Extension.TrimStart('.').ToLowerInvariant()))
            .ToList();
        if (files.Count == 0)
        {
            throw new VideoInputException(folder, VideoInputError.TooShort, "no .jpg/.jpeg/.png frames in the folder");
        }
        var extensions = files.Select(f => f.Extension.TrimStart('.').ToLowerInvariant()).Distinct().ToList();
        if (extensions.Count > 1)
        {
            throw new VideoInputException(folder, VideoInputError.UnsupportedFormat,
                $"frames mix extensions ({string.Join(", ", extensions)}); use one image format per folder");
        }
        if (files.FirstOrDefault(f => f.LinkTarget is not null) is { } link)
        {
            throw new VideoInputException(folder, VideoInputError.UnsupportedFormat,
                $"frame '{link.Name}' is a symbolic link; frame folders must hold the images themselves");
        }
        if (files.FirstOrDefault(f => f.Length == 0) is { } empty)
        {
            throw new VideoInputException(folder, VideoInputError.Unreadable, $"frame '{empty.Name}' is empty (0 bytes)");
        }
        var ordered = files.Select(f => f.FullName).OrderBy(System.IO.Path.GetFileName, NaturalNameComparer.Instance).ToList();
        var (width, height) = await ProbeImageAsync(folder, ordered[0], ct).ConfigureAwait(false);
        if ((long)width * height > _options.MaxPixelsPerFrame)
        {
            throw new VideoInputException(folder, VideoInputError.TooLarge,
                $"frame size {width}x{height} exceeds the limit of {_options.MaxPixelsPerFrame} pixels");
        }
        return new FrameFolder { Path = folder, Frames = ordered, Extension = extensions[0], Width = width, Height = height };
    }

    /// <summary>Writes one <paramref name="geometry"/>-sized rgb24 frame per entry of <paramref name="frameIndices"/>
    /// (any order, repeats allowed) into <paramref name="destination"/>, in the same order.</summary>
    public async Task<DecodeResult> DecodeAsync(FrameFolder folder, ReadOnlyMemory<int> frameIndices, FrameGeometry geometry,
        Memory<byte> destination, CancellationToken ct = default)
    {
        if (frameIndices.IsEmpty)
        {
            throw new ArgumentException("no frames requested", nameof(frameIndices));
        }
        var needed = (long)frameIndices.Length * geometry.FrameBytes;
        if (destination.Length < needed)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes, {needed} needed", nameof(destination));
        }
        var requested = new double[frameIndices.Length];
        var span = frameIndices.Span;
        for (var i = 0; i < span.Length; i++)
        {
            if (span[i] < 0 || span[i] >= folder.FrameCount)
            {
                throw new ArgumentOutOfRangeException(nameof(frameIndices), span[i], $"frame index outside 0..{folder.FrameCount - 1}");
            }
            requested[i] = span[i];
        }
        var (distinct, slotOfRequest) = RawFrameDecoder.Deduplicate(requested);

        var decoded = ArrayPool<byte>.Shared.Rent(distinct.Length * geometry.FrameBytes);
        try
        {
            var (delivered, run, source, missing) = await DecodeDistinctAsync(folder, distinct, geometry, decoded, ct)
                .ConfigureAwait(false);
            var warning = SubstitutionWarning(folder, distinct, missing, slotOfRequest);
            if (warning is not null && !_options.PadMissingFrames)
            {
                throw new VideoInputException(folder.Path, VideoInputError.Corrupt,
                    $"{warning} (padding is off: MediaOptions.PadMissingFrames / --no-pad)", run.StderrTail);
            }
            var output = destination.Span;
            for (var r = 0; r < slotOfRequest.Length; r++)
            {
                decoded.AsSpan(source[slotOfRequest[r]] * geometry.FrameBytes, geometry.FrameBytes)
                    .CopyTo(output.Slice(r * geometry.FrameBytes, geometry.FrameBytes));
            }
            return new DecodeResult(frameIndices.Length, distinct.Length, distinct.Length - delivered, warning);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded);
        }
    }

    /// <summary>Decodes the <paramref name="distinct"/> frames, in order, into <paramref name="decoded"/> with one
    /// ffmpeg image2 pass over links to them. Returns, for each, the decoded frame that stands for it (its own, or its
    /// nearest decoded neighbour) and which ones could not be decoded.</summary>
    private async Task<(int Delivered, ToolRun<int> Run, int[] Source, IReadOnlyList<int> Missing)> DecodeDistinctAsync(
        FrameFolder folder, double[] distinct, FrameGeometry geometry, byte[] decoded, CancellationToken ct)
    {
        var links = Directory.CreateTempSubdirectory("onnxvideo-frames-");
        try
        {
            for (var i = 0; i < distinct.Length; i++)
            {
                File.CreateSymbolicLink(System.IO.Path.Combine(links.FullName, $"{i:D6}.{folder.Extension}"),
                    folder.Frames[(int)distinct[i]]);
            }
            // Distinct frame i sits at i seconds of the linked sequence (1 frame per second); an image that fails to
            // decode is simply absent from the output, and the timestamp log says which one it was.
            var log = System.IO.Path.Combine(links.FullName, "decoded.txt");
            var arguments = RawFrameDecoder.CommonArguments(_options);
            arguments.AddRange([
                "-protocol_whitelist", "file", "-format_whitelist", "image2",
                "-f", "image2", "-framerate", "1", "-pattern_type", "sequence", "-start_number", "0",
                "-i", InputSafety.FileUrl(System.IO.Path.Combine(links.FullName, "%06d." + folder.Extension)),
            ]);
            RawFrameDecoder.AddOutput(arguments, _options,
                $"{FilterChain.LogTimestamps(log)},{FilterChain.Shaping(geometry)}", distinct.Length);
            var inOrder = Enumerable.Range(0, distinct.Length).ToArray();
            var (delivered, run) = await RawFrameDecoder.RunAsync(folder.Path, arguments, _options, geometry.FrameBytes,
                distinct.Length, inOrder, decoded, ct).ConfigureAwait(false);
            if ((!run.StoppedEarly && run.ExitCode != 0) || delivered == 0)
            {
                var failure = InputSafety.Failure(folder.Path, "ffmpeg", run.ExitCode, run.StderrTail);
                throw new VideoInputException(folder.Path, VideoInputError.Corrupt,
                    $"only {delivered} of {distinct.Length} chosen frames could be decoded", failure.ToolStderr);
            }
            var (source, missing) = delivered == distinct.Length
                ? (inOrder, [])
                : DecodedFrameLog.NearestDecoded(folder.Path, log, delivered, distinct.Length);
            return (delivered, run, source, missing);
        }
        finally
        {
            links.Delete(recursive: true);
        }
    }

    /// <summary>Names the images that could not be decoded and how many requests got a neighbour instead; null when
    /// every chosen image was decoded.</summary>
    private static string? SubstitutionWarning(FrameFolder folder, double[] distinct, IReadOnlyList<int> missing,
        int[] slotOfRequest)
    {
        if (missing.Count == 0)
        {
            return null;
        }
        var names = missing.Take(3).Select(p => System.IO.Path.GetFileName(folder.Frames[(int)distinct[p]]));
        var more = missing.Count > 3 ? $" and {missing.Count - 3} more" : "";
        var substituted = slotOfRequest.Count(slot => missing.Contains(slot));
        return $"substituted {substituted} of {slotOfRequest.Length} frames with a neighbouring frame: "
            + $"{string.Join(", ", names)}{more} could not be decoded";
    }

    private async Task<(int Width, int Height)> ProbeImageAsync(string folder, string image, CancellationToken ct)
    {
        List<string> arguments =
        [
            "-hide_banner", "-v", "error", "-protocol_whitelist", "file", "-format_whitelist", "image2",
            "-f", "image2", "-pattern_type", "none", "-print_format", "json", "-show_streams", InputSafety.FileUrl(image),
        ];
        var run = await ToolRunner.RunAsync(_options.FfprobePath, arguments, folder, _options, _options.ProbeTimeout,
            ToolRunner.ReadAllStdoutAsync, ct).ConfigureAwait(false);
        if (run.ExitCode != 0)
        {
            throw InputSafety.Failure(folder, "ffprobe", run.ExitCode, run.StderrTail);
        }
        try
        {
            using var json = JsonDocument.Parse(run.Value);
            var stream = json.RootElement.GetProperty("streams")[0];
            var (width, height) = (stream.GetProperty("width").GetInt32(), stream.GetProperty("height").GetInt32());
            // ffprobe reports 0x0 (exit 0) for a non-image named .jpg: image2 only guesses the codec from the name.
            if (width > 0 && height > 0)
            {
                return (width, height);
            }
            throw new VideoInputException(folder, VideoInputError.Unreadable,
                $"first frame '{System.IO.Path.GetFileName(image)}' is not a readable image (no frame size)", run.StderrTail);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new VideoInputException(folder, VideoInputError.Unreadable,
                $"first frame '{System.IO.Path.GetFileName(image)}' is not a readable image", run.StderrTail, e);
        }
    }
}
