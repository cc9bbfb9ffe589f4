using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Ort;

namespace OnnxVideo.Export.Tests.PackageSupport;

/// <summary>Runs a model with ORT on float/int64 arrays and returns the requested outputs as float arrays.</summary>
internal sealed class OrtGraphRunner : IDisposable
{
    private readonly OrtSession session;

    public OrtGraphRunner(ModelProto model, int threads = 1) : this(s => new OrtSession(OnnxModelFile.ToBytes(model), s), threads)
    {
    }

    public OrtGraphRunner(string path, int threads = 1) : this(s => new OrtSession(path, s), threads)
    {
    }

    private OrtGraphRunner(Func<OrtSessionOptions, OrtSession> create, int threads) =>
        session = create(new OrtSessionOptions { IntraOpThreads = threads, InterOpThreads = 1 });

    public IReadOnlyList<string> InputNames => session.InputNames;

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
