#include "JsonListModel.h"

#include <QJsonObject>

namespace hlscam::ui {

JsonListModel::JsonListModel(QStringList keys, QObject *parent)
    : QAbstractListModel(parent),
      m_keys(std::move(keys))
{}

int JsonListModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

QVariant JsonListModel::data(const QModelIndex &index, int role) const
{
    const int key = role - Qt::UserRole;
    if (!index.isValid() || index.row() >= m_rows.size() || key < 0 || key >= m_keys.size())
        return {};
    return m_rows.at(index.row()).toObject().value(m_keys.at(key)).toVariant();
}

QHash<int, QByteArray> JsonListModel::roleNames() const
{
    QHash<int, QByteArray> names;
    for (int i = 0; i < m_keys.size(); ++i)
        names.insert(Qt::UserRole + i, m_keys.at(i).toUtf8());
    return names;
}

void JsonListModel::setRows(const QJsonArray &rows)
{
    if (rows == m_rows)
        return;  // a poll that changed nothing keeps the views (and their scroll and focus) as they are
    const bool countChanges = rows.size() != m_rows.size();
    beginResetModel();
    m_rows = rows;
    endResetModel();
    if (countChanges)
        Q_EMIT countChanged();
}

QVariantMap JsonListModel::get(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).toObject().toVariantMap() : QVariantMap();
}

int JsonListModel::find(const QString &key, const QString &value) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows.at(i).toObject().value(key).toVariant().toString() == value)
            return i;
    return -1;
}

}  // namespace hlscam::ui
