using System.Globalization;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.FewShot;

namespace OnnxVideo.Benchmarks.FewShot;

/// <summary>
/// <c>features MODEL DATA OUT.csv</c>: one line per clip, "label,file,f0,f1,…", embedded as <c>evaluate --episodes</c>
/// embeds them (<see cref="ClipEmbedder"/>), for the README's head-only comparison (benchmarks/fewshot_headonly.py).
/// </summary>
internal static class FeatureDump
{
    public static int Run(string[] args)
    {
        if (args.Length != 3)
        {
            Console.Error.WriteLine("usage: features MODEL.onnx DATA OUT.csv");
            return 2;
        }
        var data = DatasetReader.Read(args[1]);
        var embedder = ClipEmbedder.Open(args[0]);
        try
        {
            var (features, failures) = embedder.EmbedAsync(data.Samples).GetAwaiter().GetResult();
            using var writer = new StreamWriter(args[2]);
            for (var i = 0; i < data.Count; i++)
            {
                if (features[i] is { } f)
                {
                    writer.WriteLine(string.Join(',', [data.Samples[i].Label.ToString(CultureInfo.InvariantCulture), Path.GetFileName(data.Samples[i].Path),
                        .. f.Select(v => v.ToString("R", CultureInfo.InvariantCulture))]));
                }
            }
            Console.Error.WriteLine($"{data.Count - failures.Count} clips embedded, {failures.Count} failed");
            return 0;
        }
        finally
        {
            embedder.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
