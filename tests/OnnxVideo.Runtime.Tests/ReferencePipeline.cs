using System.Globalization;
using OnnxVideo.Media;
using OnnxVideo.Ort;

namespace OnnxVideo.Runtime.Tests;

/// <summary>
/// The independent path the classifier is checked against: frames decoded by the ffmpeg CLI (every frame, then
/// picked by index), the contract's sampling and normalisation written out here, and a plain ONNX Runtime Run.
/// </summary>
public static class ReferencePipeline
{
    public static (int Width, int Height) Size(string video)
    {
        var text = System.Text.Encoding.UTF8.GetString(FfmpegTools.Run("ffprobe", "-v", "error", "-select_streams", "v:0",
            "-show_entries", "stream=width,height", "-of", "csv=p=0", video)).Trim();
        var parts = text.Split(',');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>All frames through "crop, scale, rgb24" as the ffmpeg CLI produces them.</summary>
    public static byte[][] DecodeAll(string video, string filter, int width, int height)
    {
        var raw = FfmpegTools.Run("ffmpeg", "-hide_banner", "-v", "error", "-i", video, "-vf", filter,
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-");
        int frameBytes = width * height * 3;
        return Enumerable.Range(0, raw.Length / frameBytes).Select(i => raw.AsSpan(i * frameBytes, frameBytes).ToArray()).ToArray();
    }

    /// <summary>Uniform-segment test sampling: clip c of n sits at (c + ½)/n of each of T equal segments.</summary>
    public static int[] UniformClipIndices(int frameCount, int frames, int clip, int clips)
    {
        double position = (clip + 0.5) / clips;
        double segment = (double)frameCount / frames;
        return Enumerable.Range(0, frames).Select(k => (int)Math.Min(frameCount - 1, Math.Floor(segment * (k + position)))).ToArray();
    }

    /// <summary>Test sampling of clip <paramref name="clip"/> of the contract's TestClips, for uniform or dense sampling;
    /// a video shorter than a clip repeats its last frame.</summary>
    public static int[] ClipIndices(int frameCount, PreprocessingContract c, int clip)
    {
        if (c.Sampling == SamplingMode.UniformSegments)
        {
            return UniformClipIndices(frameCount, c.Frames, clip, c.TestClips);
        }
        int span = (c.Frames - 1) * c.Stride + 1;
        if (frameCount < span)
        {
            return Enumerable.Range(0, c.Frames).Select(k => Math.Min(k * c.Stride, frameCount - 1)).ToArray();
        }
        int start = (int)Math.Floor((frameCount - span) * ((clip + 0.5) / c.TestClips));
        return Enumerable.Range(0, c.Frames).Select(k => start + k * c.Stride).ToArray();
    }

    /// <summary>(p/255 − mean)/std into [3, T, S, S] for the square region at (x, y) of frames of width w.</summary>
    public static float[] Normalize(IReadOnlyList<byte[]> frames, int width, int x, int y, PreprocessingContract c)
    {
        int t = frames.Count, s = c.CropSize;
        var tensor = new float[3 * t * s * s];
        for (int ch = 0; ch < 3; ch++)
        {
            for (int f = 0; f < t; f++)
            {
                for (int row = 0; row < s; row++)
                {
                    for (int col = 0; col < s; col++)
                    {
                        byte p = frames[f][((y + row) * width + x + col) * 3 + ch];
                        tensor[((ch * t + f) * s + row) * s + col] = (p / 255f - c.Mean[ch]) / c.Std[ch];
                    }
                }
            }
        }
        return tensor;
    }

    /// <summary>Plain session Run on a batch of clips; returns the softmax of each clip's logits.</summary>
    public static float[][] Probabilities(string modelPath, IReadOnlyList<float[]> clips, PreprocessingContract c)
    {
        using var session = new OrtSession(modelPath);
        var input = clips.SelectMany(x => x).ToArray();
        using var value = OrtValue.CreateTensor(input, clips.Count, 3, c.Frames, c.CropSize, c.CropSize);
        var outputs = session.Run([session.InputNames[0]], [value]);
        try
        {
            var logits = outputs[0].ToArray<float>();
            int classes = logits.Length / clips.Count;
            return Enumerable.Range(0, clips.Count).Select(i =>
            {
                var row = logits.AsSpan(i * classes, classes).ToArray();
                double max = row.Max();
                var exp = row.Select(v => Math.Exp(v - max)).ToArray();
                double sum = exp.Sum();
                return exp.Select(e => (float)(e / sum)).ToArray();
            }).ToArray();
        }
        finally
        {
            foreach (var o in outputs)
            {
                o.Dispose();
            }
        }
    }

    public static float[] Mean(IReadOnlyList<float[]> rows) =>
        Enumerable.Range(0, rows[0].Length).Select(j => rows.Average(r => r[j])).ToArray();
}
