// A list model over a JSON array of objects: each key a role, so QML delegates read `name`,
// `role`, `banned_until` directly. Users, bans, cameras and recent services are all lists like this.
#pragma once

#include <QAbstractListModel>
#include <QJsonArray>
#include <QStringList>

namespace hlscam::ui {

class JsonListModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    // `keys`: the object keys exposed as roles (and so the ones QML may read).
    explicit JsonListModel(QStringList keys, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Replaces the rows (a reset: these lists are short).
    void setRows(const QJsonArray &rows);
    const QJsonArray &rows() const { return m_rows; }
    Q_INVOKABLE QVariantMap get(int row) const;
    // The row whose `key` equals `value`, or -1.
    Q_INVOKABLE int find(const QString &key, const QString &value) const;

Q_SIGNALS:
    void countChanged();

private:
    QStringList m_keys;
    QJsonArray m_rows;
};

}  // namespace hlscam::ui
