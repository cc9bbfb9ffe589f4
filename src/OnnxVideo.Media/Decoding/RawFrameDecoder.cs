using System.Globalization;
using OnnxVideo.Media.Ffmpeg;

namespace OnnxVideo.Media;

/// <summary>Runs one ffmpeg process whose stdout is rgb24 frames in sorted-target order and scatters them into the
/// caller's buffer in request order, without per-frame allocations.</summary>
internal static class RawFrameDecoder
{
    /// <summary>Sorted distinct targets and, for each request, the index of its distinct target.</summary>
    public static (double[] Distinct, int[] SlotOfRequest) Deduplicate(ReadOnlySpan<double> requested)
    {
        var order = new int[requested.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        var keys = requested.ToArray();
        Array.Sort(keys, order);
        var distinct = new List<double>(keys.Length);
        var slot = new int[requested.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            if (distinct.Count == 0 || keys[i] > distinct[^1])
            {
                distinct.Add(keys[i]);
            }
            slot[order[i]] = distinct.Count - 1;
        }
        return (distinct.ToArray(), slot);
    }

    public static List<string> CommonArguments(MediaOptions options)
    {
        var threads = options.DecoderThreads.ToString(CultureInfo.InvariantCulture);
        return
        [
            "-hide_banner", "-nostdin", "-v", "error",
            "-threads", threads,
            "-max_pixels", options.MaxPixelsPerFrame.ToString(CultureInfo.InvariantCulture),
        ];
    }

    public static void AddOutput(List<string> arguments, MediaOptions options, string filterChain, int distinctTargets)
    {
        arguments.AddRange([
            "-an", "-sn", "-dn",
            "-filter_threads", options.DecoderThreads.ToString(CultureInfo.InvariantCulture),
            "-vf", filterChain,
            "-frames:v", distinctTargets.ToString(CultureInfo.InvariantCulture),
            "-fps_mode", "passthrough",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
        ]);
    }

    /// <summary>Runs ffmpeg and fills <paramref name="destination"/>. Returns how many distinct targets ffmpeg
    /// delivered; the caller decides whether a shortfall is an error, then <see cref="RepeatLast"/> fills it.</summary>
    public static async Task<(int Delivered, ToolRun<int> Run)> RunAsync(string inputPath, List<string> arguments,
        MediaOptions options, int frameBytes, int distinctTargets, int[] slotOfRequest, Memory<byte> destination,
        CancellationToken ct)
    {
        var firstRequest = FirstRequests(distinctTargets, slotOfRequest);
        var run = await ToolRunner.RunAsync(options.FfmpegPath, arguments, inputPath, options, options.DecodeTimeout,
            (stdout, token) => ReadFramesAsync(stdout, destination, frameBytes, firstRequest, token), ct).ConfigureAwait(false);
        CopyRepeats(run.Value, slotOfRequest, firstRequest, frameBytes, destination.Span);
        return (run.Value, run);
    }

    /// <summary>For each distinct target, the first request that asks for it: that request's slot receives the frame
    /// straight from the pipe; the others are copies (<see cref="CopyRepeats"/>).</summary>
    public static int[] FirstRequests(int distinctTargets, int[] slotOfRequest)
    {
        var firstRequest = new int[distinctTargets];
        Array.Fill(firstRequest, -1);
        for (var r = 0; r < slotOfRequest.Length; r++)
        {
            if (firstRequest[slotOfRequest[r]] < 0)
            {
                firstRequest[slotOfRequest[r]] = r;
            }
        }
        return firstRequest;
    }

    /// <summary>Reads rgb frames from <paramref name="stdout"/> into the first request of each distinct target, until
    /// all are read or the stream ends; returns how many were read and whether that is all of them.</summary>
    public static async Task<(int Delivered, bool Complete)> ReadFramesAsync(Stream stdout, Memory<byte> destination,
        int frameBytes, int[] firstRequest, CancellationToken ct)
    {
        var delivered = 0;
        while (delivered < firstRequest.Length)
        {
            var frame = destination.Slice(firstRequest[delivered] * frameBytes, frameBytes);
            var read = await stdout.ReadAtLeastAsync(frame, frameBytes, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (read < frameBytes)
            {
                break;
            }
            delivered++;
        }
        return (delivered, delivered == firstRequest.Length);
    }

    /// <summary>Copies each delivered frame to the requests after the first that ask for the same target.</summary>
    public static void CopyRepeats(int delivered, int[] slotOfRequest, int[] firstRequest, int frameBytes, Span<byte> destination)
    {
        for (var r = 0; r < slotOfRequest.Length; r++)
        {
            var s = slotOfRequest[r];
            if (s < delivered && firstRequest[s] != r)
            {
                destination.Slice(firstRequest[s] * frameBytes, frameBytes).CopyTo(destination.Slice(r * frameBytes, frameBytes));
            }
        }
    }

    /// <summary>Gives every request whose target was not delivered the last delivered frame.</summary>
    public static void RepeatLast(int delivered, int[] slotOfRequest, int frameBytes, Span<byte> destination)
    {
        var lastRequest = Array.FindIndex(slotOfRequest, s => s == delivered - 1);
        var last = destination.Slice(lastRequest * frameBytes, frameBytes);
        for (var r = 0; r < slotOfRequest.Length; r++)
        {
            if (slotOfRequest[r] >= delivered)
            {
                last.CopyTo(destination.Slice(r * frameBytes, frameBytes));
            }
        }
    }
}
