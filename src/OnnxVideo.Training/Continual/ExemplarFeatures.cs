using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Ort;
using OnnxVideo.Training.Loading;

namespace OnnxVideo.Training.Continual;

/// <summary>
/// The features herding compares: the input of the trained model's classifier (the node that takes the head weight),
/// as iCaRL's φ(x), or the logits when no such node is found. A clip's vector is the mean over its evaluation views.
/// </summary>
internal sealed class ExemplarFeatures : IDisposable
{
    private readonly OrtSession _session;
    private readonly string _input;
    private readonly string _output;

    private ExemplarFeatures(OrtSession session, string input, string output, string kind)
    {
        _session = session;
        _input = input;
        _output = output;
        Kind = kind;
    }

    /// <summary>"features" (the head's input) or "logits".</summary>
    public string Kind { get; }

    public static ExemplarFeatures Open(string modelPath, string? headWeight, int intraOpThreads)
    {
        var model = OnnxModelFile.Load(modelPath);
        var graph = model.Graph;
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var video = graph.Input.First(i => !initializers.Contains(i.Name)).Name;
        var head = headWeight is null ? null : graph.Node.FirstOrDefault(n => n.Input.Contains(headWeight));
        var feature = head?.Input.FirstOrDefault(i => i.Length > 0 && !initializers.Contains(i) && i != video);
        var kind = feature is null ? "logits" : "features";
        var output = feature ?? graph.Output[0].Name;
        graph.Output.Clear();
        graph.Output.Add(new ValueInfoProto
        {
            Name = output,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
        });
        GraphRewrites.Prune(graph);
        var folder = Directory.CreateTempSubdirectory("onnxvideo-exemplars-").FullName;
        try
        {
            var path = Path.Combine(folder, "features.onnx");
            OnnxModelFile.Save(model, path);
            var session = new OrtSession(path, new OrtSessionOptions { IntraOpThreads = intraOpThreads, InterOpThreads = 1 });
            return new ExemplarFeatures(session, video, output, kind);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>One vector per sample of <paramref name="loader"/> (null for a clip that failed to decode).</summary>
    public async Task<float[]?[]> EmbedAsync(ClipLoader loader, CancellationToken ct)
    {
        var vectors = new float[]?[loader.Count];
        await foreach (var batch in loader.EvaluationAsync(ct).ConfigureAwait(false))
        {
            var samples = batch.Count * batch.ViewsPerClip;
            using var value = OrtValue.CreateTensor(batch.Inputs.AsMemory(0, samples * batch.SampleElements), [samples, .. SampleShape(batch)]);
            var outputs = _session.Run([_input], [value], [_output]);
            float[] flat;
            try
            {
                flat = outputs[0].ToArray<float>();
            }
            finally
            {
                foreach (var o in outputs)
                {
                    o.Dispose();
                }
            }
            var perSample = flat.Length / samples;
            for (var clip = 0; clip < batch.Count; clip++)
            {
                var mean = new float[perSample];
                for (var v = 0; v < batch.ViewsPerClip; v++)
                {
                    var row = flat.AsSpan((clip * batch.ViewsPerClip + v) * perSample, perSample);
                    for (var j = 0; j < perSample; j++)
                    {
                        mean[j] += row[j] / batch.ViewsPerClip;
                    }
                }
                vectors[batch.SampleIndices[clip]] = mean;
            }
        }
        return vectors;
    }

    private long[] SampleShape(ClipBatch batch)
    {
        var shape = _session.Inputs.First(i => i.Name == _input).Shape.Skip(1).ToArray();
        return shape.All(d => d > 0) ? shape : throw new InvalidOperationException($"the model's input needs fixed sample dimensions, got {batch.SampleElements} values per sample");
    }

    public void Dispose() => _session.Dispose();
}
