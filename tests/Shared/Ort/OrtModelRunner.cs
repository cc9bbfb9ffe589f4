using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Ort;

namespace OnnxVideo.Testing;

/// <summary>Runs a model with ORT on the CPU on float/int64 arrays and returns the requested outputs as float arrays.</summary>
internal sealed class OrtModelRunner : IDisposable
{
    private readonly OrtSession session;

    public OrtModelRunner(ModelProto model, int threads = 1) : this(s => new OrtSession(OnnxModelFile.ToBytes(model), s), threads)
    {
    }

    public OrtModelRunner(string path, int threads = 1) : this(s => new OrtSession(path, s), threads)
    {
    }

    private OrtModelRunner(Func<OrtSessionOptions, OrtSession> create, int threads) =>
        session = create(new OrtSessionOptions { IntraOpThreads = threads, InterOpThreads = 1 });

    public IReadOnlyList<string> InputNames => session.InputNames;

    /// <summary>Runs <paramref name="model"/> (two intra-op threads) on one float input, its first, and returns every
    /// output with its shape.</summary>
    public static Dictionary<string, (float[] Data, long[] Shape)> RunAll(ModelProto model, float[] input, params long[] shape)
    {
        var options = new OrtSessionOptions { IntraOpThreads = 2, InterOpThreads = 1 };
        using var session = new OrtSession(OnnxModelFile.ToBytes(model), options, model.Graph.Name);
        using var value = OrtValue.CreateTensor(input, shape);
        var outputs = session.Run([session.InputNames[0]], [value]);
        var result = new Dictionary<string, (float[], long[])>();
        for (var i = 0; i < outputs.Length; i++)
        {
            using var output = outputs[i];
            result[session.OutputNames[i]] = (output.ToArray<float>(), output.Shape);
        }
        return result;
    }

    public Dictionary<string, float[]> Run(IReadOnlyDictionary<string, (Array Data, long[] Shape)> inputs, IReadOnlyList<string> outputs)
    {
        var values = new List<OrtValue>();
        try
        {
            foreach (var (_, (data, shape)) in inputs)
            {
                values.Add(data switch
                {
                    float[] f => OrtValue.CreateTensor(f, shape),
                    long[] l => OrtValue.CreateTensor(l, shape),
                    _ => throw new ArgumentException($"unsupported input array {data.GetType()}"),
                });
            }
            var results = session.Run(inputs.Keys.ToList(), values, outputs);
            try
            {
                return outputs.Select((name, i) => (name, results[i].ToArray<float>())).ToDictionary(x => x.name, x => x.Item2);
            }
            finally
            {
                foreach (var r in results)
                {
                    r.Dispose();
                }
            }
        }
        finally
        {
            foreach (var v in values)
            {
                v.Dispose();
            }
        }
    }

    public void Dispose() => session.Dispose();
}
