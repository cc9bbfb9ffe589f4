using OnnxVideo.Ort;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Packages;

/// <summary>Opens the frozen backbone cut from the user's package; ONNX Runtime refusing it is a <see cref="TrainingSessionException"/>.</summary>
internal static class BackboneSession
{
    public static OrtSession Open(string backbonePath, OrtSessionOptions options)
    {
        try
        {
            return new OrtSession(backbonePath, options);
        }
        catch (OrtException e)
        {
            throw new TrainingSessionException(backbonePath, $"ONNX Runtime cannot load the package's backbone: {e.OrtMessage}", e);
        }
    }
}
