using OnnxVideo.Media;
using OnnxVideo.Ort;

namespace OnnxVideo.Training.Tests.Evaluation;

/// <summary>An exported model run straight through one ORT session on samples laid out one after another, with no
/// batcher, pool or clip planning: the reference the evaluation path and the training session are compared with.</summary>
internal sealed class ExportedModelRunner : IDisposable
{
    private readonly OrtSession _session;
    private readonly string _input;
    private readonly long[] _sampleShape;

    public ExportedModelRunner(string modelPath, int intraOpThreads = 1)
    {
        _session = new OrtSession(modelPath, new OrtSessionOptions { IntraOpThreads = intraOpThreads, ExecutionMode = ExecutionMode.Sequential });
        var input = Assert.Single(_session.Inputs);
        _input = input.Name;
        _sampleShape = input.Shape.Skip(1).ToArray();
        Contract = _session.Metadata.CustomMetadata.TryGetValue(PreprocessingContract.MetadataKey, out var json)
            ? PreprocessingContract.FromJson(json, modelPath)
            : null;
    }

    public PreprocessingContract? Contract { get; }

    /// <summary>Logits (count × classes) of <paramref name="count"/> samples.</summary>
    public float[] Run(Memory<float> inputs, int count)
    {
        var elements = checked((int)(count * _sampleShape.Aggregate(1L, (a, b) => a * b)));
        using var input = OrtValue.CreateTensor(inputs[..elements], [count, .. _sampleShape]);
        var outputs = _session.Run([_input], [input]);
        try
        {
            return outputs[0].ToArray<float>();
        }
        finally
        {
            foreach (var o in outputs)
            {
                o.Dispose();
            }
        }
    }

    public void Dispose() => _session.Dispose();
}
