namespace OnnxVideo.Onnx.Tests.Corpus;

/// <summary>Needs ONNX's backend node-test corpus (Debian libonnx-testdata, installed by ./build.sh test); skipped visibly without it.</summary>
public sealed class OnnxCorpusFactAttribute : FactAttribute
{
    public const string Folder = "/usr/share/libonnx-testdata/data/node";

    public OnnxCorpusFactAttribute()
    {
        if (!Directory.Exists(Folder))
        {
            Skip = $"ONNX's test corpus is not installed ({Folder}; apt-get install libonnx-testdata)";
        }
    }
}
