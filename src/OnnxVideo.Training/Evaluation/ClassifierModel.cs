using OnnxVideo.Media;
using OnnxVideo.Ort;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Evaluation;

/// <summary>
/// A plain inference model.onnx (as exported after training): one video input with a batch dimension, logits out,
/// and the preprocessing contract in its metadata.
/// </summary>
public sealed class ClassifierModel : IDisposable
{
    private readonly OrtSession _session;
    private readonly string _input;
    private readonly string _output;

    public ClassifierModel(string modelPath, ExecutionProvider provider = ExecutionProvider.Cpu, int intraOpThreads = 0)
        : this(modelPath, provider, intraOpThreads, new CudaProviderOptions(), new TensorRtProviderOptions())
    {
    }

    /// <summary>
    /// Loads the model with GPU provider settings. CUDA graphs are refused: batches are bound from host memory and the
    /// last batch of a data set is smaller, while a captured graph needs fixed device buffers and one shape.
    /// </summary>
    public ClassifierModel(string modelPath, ExecutionProvider provider, int intraOpThreads, CudaProviderOptions cuda, TensorRtProviderOptions tensorRt)
    {
        if (cuda.EnableCudaGraph)
        {
            throw new ArgumentException("CUDA graphs cannot be used for evaluation: batches are bound from host memory and the last "
                + "batch is smaller, but a captured CUDA graph replays fixed device addresses and one fixed shape");
        }
        if (!File.Exists(modelPath))
        {
            throw new TrainingSessionException(modelPath, "model file not found");
        }
        try
        {
            _session = new OrtSession(modelPath, new OrtSessionOptions
            {
                ExecutionProvider = provider,
                IntraOpThreads = intraOpThreads,
                ExecutionMode = ExecutionMode.Sequential,
                Cuda = cuda,
                TensorRt = tensorRt,
            });
        }
        catch (OrtException e)
        {
            throw new TrainingSessionException(modelPath, $"ONNX Runtime cannot load the model: {e.Message}", e);
        }
        Path = modelPath;
        var inputs = _session.Inputs.Where(i => i.ValueType == OnnxValueType.Tensor).ToList();
        if (inputs.Count != 1)
        {
            _session.Dispose();
            throw new TrainingSessionException(modelPath, $"expected one video input, found {inputs.Count}");
        }
        _input = inputs[0].Name;
        SampleShape = inputs[0].Shape.Skip(1).ToArray();
        _output = _session.OutputNames.Contains("logits") ? "logits" : _session.OutputNames[0];
        var outputShape = _session.Outputs.First(o => o.Name == _output).Shape;
        ClassCount = outputShape.Count == 2 ? (int)outputShape[1] : -1;
        if (_session.Metadata.CustomMetadata.TryGetValue(PreprocessingContract.MetadataKey, out var json))
        {
            try
            {
                Contract = PreprocessingContract.FromJson(json, modelPath);
            }
            catch (InvalidContractException)
            {
                _session.Dispose();
                throw;
            }
        }
    }

    public string Path { get; }
    public PreprocessingContract? Contract { get; }
    public long[] SampleShape { get; }
    /// <summary>Classes the model predicts (-1 when the output shape does not say).</summary>
    public int ClassCount { get; }

    /// <summary>Logits (count × classes) for <paramref name="count"/> samples laid out one after another.</summary>
    public float[] Run(Memory<float> inputs, int count)
    {
        using var input = OrtValue.CreateTensor(inputs[..checked((int)(count * SampleShape.Aggregate(1L, (a, b) => a * b)))],
            [count, .. SampleShape]);
        var outputs = _session.Run([_input], [input], [_output]);
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
